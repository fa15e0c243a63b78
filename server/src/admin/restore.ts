import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as Y from 'yjs'
import { z } from 'zod'
import { DOC_ID_PATTERN, FILE_HASH_PATTERN } from '@quire/shared'
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

const fileSchema = z.object({
  type: z.enum(['image/png', 'image/jpeg', 'image/gif', 'image/webp']),
  size: z.number().int().min(0),
  createdAt: z.string().datetime(),
})

const manifestSchema = z.object({
  format: z.literal('quire-backup'),
  version: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  createdAt: z.string(),
  documents: z.number().int().min(0),
  versions: z.number().int().min(0).default(0),
  files: z.number().int().min(0).default(0),
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
  const ids = new Set<string>()
  for (const name of await filesIn(join(dir, 'docs'), '.json')) {
    const metaFile = join(dir, 'docs', name)
    const meta = parse(metaSchema, await readJson(metaFile), metaFile)
    if (`${meta.id}.json` !== name) throw new BackupError(`${metaFile} holds document ${meta.id}`)
    ids.add(meta.id)
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
  yield* readFiles(dir, ids)
}

/** The files of the documents in `ids`, each checked against its hash and its size. */
async function* readFiles(dir: string, ids: ReadonlySet<string>): AsyncIterable<BackupItem> {
  const filesDir = join(dir, 'files')
  if (!(await exists(filesDir))) return
  for (const docId of await readdir(filesDir)) {
    if (!ids.has(docId)) throw new BackupError(`${join(filesDir, docId)} belongs to no document of the backup`)
    for (const name of await filesIn(join(filesDir, docId), '.json')) {
      const hash = name.slice(0, -'.json'.length)
      const infoFile = join(filesDir, docId, name)
      if (!FILE_HASH_PATTERN.test(hash)) throw new BackupError(`${infoFile} is not named after a sha256`)
      const info = parse(fileSchema, await readJson(infoFile), infoFile)
      const bytesFile = join(filesDir, docId, `${hash}.bin`)
      const bytes = await readFile(bytesFile).catch(() => {
        throw new BackupError(`${bytesFile} is missing`)
      })
      if (bytes.length !== info.size || createHash('sha256').update(bytes).digest('hex') !== hash) throw new BackupError(`${bytesFile} does not match its hash`)
      yield { kind: 'file', docId, file: { hash, ...info, bytes: new Uint8Array(bytes) } }
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
    if (item.kind === 'file') {
      await store.putFile(item.docId, item.file)
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
