import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as Y from 'yjs'
import { z } from 'zod'
import { DOC_ID_PATTERN } from '@quire/shared'
import type { DocStore } from '../storage/doc-store.js'
import { BackupError, exists, type BackupItem, type BackupManifest } from './backup.js'

const metaSchema = z.object({
  id: z.string().regex(DOC_ID_PATTERN),
  title: z.string().max(1000),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
  epoch: z.number().int().min(0),
})

const versionSchema = z.object({
  v: z.number().int().min(1),
  createdAt: z.string().datetime(),
  authors: z.array(z.string().max(200)).max(1000),
  name: z.string().max(1000).nullable(),
  kind: z.enum(['auto', 'named', 'restore']),
  restoredFrom: z.number().int().min(1).nullable(),
  bytes: z.number().int().min(0),
})

const manifestSchema = z.object({
  format: z.literal('quire-backup'),
  version: z.union([z.literal(1), z.literal(2)]),
  createdAt: z.string(),
  documents: z.number().int().min(0),
  versions: z.number().int().min(0).default(0),
  linkSecret: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
})

/** Reads a backup's manifest, and checks that the documents it counts are there. */
export async function readManifest(dir: string): Promise<BackupManifest> {
  const manifestFile = join(dir, 'manifest.json')
  const manifest = parse(manifestSchema, await readJson(manifestFile), manifestFile) as BackupManifest
  const count = (await filesIn(join(dir, 'docs'), '.json')).length
  if (count !== manifest.documents) {
    throw new BackupError(`${manifestFile} counts ${manifest.documents} documents but ${join(dir, 'docs')} holds ${count}`)
  }
  return manifest
}

/** A backup's documents, each followed by its versions, each read and checked when it is reached. */
export async function* readItems(dir: string): AsyncIterable<BackupItem> {
  for (const name of await filesIn(join(dir, 'docs'), '.json')) {
    const metaFile = join(dir, 'docs', name)
    const meta = parse(metaSchema, await readJson(metaFile), metaFile)
    if (`${meta.id}.json` !== name) throw new BackupError(`${metaFile} holds document ${meta.id}`)
    yield { kind: 'doc', meta, state: await readState(join(dir, 'docs', `${meta.id}.yjs`)) }
    const versionsDir = join(dir, 'versions', meta.id)
    if (!(await exists(versionsDir))) continue
    const files = await filesIn(versionsDir, '.json')
    for (const file of files.sort((a, b) => parseInt(a, 10) - parseInt(b, 10))) {
      const infoFile = join(versionsDir, file)
      const info = parse(versionSchema, await readJson(infoFile), infoFile)
      if (`${info.v}.json` !== file) throw new BackupError(`${infoFile} holds version ${info.v}`)
      yield { kind: 'version', docId: meta.id, version: { info, state: await readState(join(versionsDir, `${info.v}.yjs`)) } }
    }
  }
}

/**
 * Restores a backup into a store that holds no document yet, whichever store it came from.
 * Every file is checked before the first document is written, so a damaged backup restores
 * nothing; `onDocument` hears of each document restored.
 */
export async function restoreBackup(store: DocStore, dir: string, onDocument = () => {}): Promise<number> {
  for await (const existing of store.listDocs()) {
    throw new BackupError(`the store already holds documents (${existing.id}, …); restore into an empty one`)
  }
  for await (const _item of readItems(dir));
  let documents = 0
  for await (const item of readItems(dir)) {
    if (item.kind === 'version') {
      await store.putVersion(item.docId, item.version)
      continue
    }
    await store.createDoc(item.meta, item.state)
    documents++
    onDocument()
  }
  return documents
}

async function readState(file: string): Promise<Uint8Array> {
  const state = await readFile(file).then(
    (bytes) => new Uint8Array(bytes),
    () => {
      throw new BackupError(`${file} is missing`)
    },
  )
  try {
    Y.decodeUpdate(state)
  } catch {
    throw new BackupError(`${file} is not a Yjs document state`)
  }
  return state
}

async function filesIn(dir: string, extension: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[])
  return names.filter((name) => name.endsWith(extension)).sort()
}

async function readJson(file: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    throw new BackupError(`${file} is missing`)
  }
  try {
    return JSON.parse(text)
  } catch {
    throw new BackupError(`${file} is not valid JSON`)
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, file: string): T {
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const problem = parsed.error.issues[0]!
    throw new BackupError(`${file}: ${problem.path.join('.') || 'the file'} ${problem.message}`)
  }
  return parsed.data
}
