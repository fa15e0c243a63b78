import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import * as Y from 'yjs'
import { z } from 'zod'
import { DOC_ID_PATTERN } from '@quire/shared'
import type { DocMeta, DocStore, StoredDoc } from '../storage/doc-store.js'

/**
 * A backup is a directory:
 *
 *   manifest.json      { format, version, createdAt, documents, linkSecret }
 *   docs/<id>.json     the document's metadata
 *   docs/<id>.yjs      its whole state, as one Yjs update
 *
 * Each document is its complete state (base and log merged), read at one point in time.
 */
export interface BackupRecord {
  meta: DocMeta
  state: Uint8Array
}

export interface BackupManifest {
  format: 'quire-backup'
  version: 1
  createdAt: string
  documents: number
  /** The generated link secret (hex), so restored links keep working; null when configured. */
  linkSecret: string | null
}

export class BackupError extends Error {
  override name = 'BackupError'
}

const metaSchema = z.object({
  id: z.string().regex(DOC_ID_PATTERN),
  title: z.string().max(1000),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
  epoch: z.number().int().min(0),
})

const manifestSchema = z.object({
  format: z.literal('quire-backup'),
  version: z.literal(1),
  createdAt: z.string(),
  documents: z.number().int().min(0),
  linkSecret: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
})

/** Folds a stored base and log into one state, with its title (on a worker thread in a server). */
export type Fold = (stored: StoredDoc) => Promise<{ state: Uint8Array; title: string }>

/** Every document of the store, merged into one state each, from one snapshot. */
export async function* backupRecords(store: DocStore, fold: Fold): AsyncIterable<BackupRecord> {
  for await (const { meta, stored } of store.snapshotDocs()) {
    const { state, title } = await fold(stored)
    yield { meta: { ...meta, title }, state }
  }
}

/**
 * Writes a backup to `dir`, which must not exist yet: it appears whole or not at all. The
 * link secret is asked for once every record is written (a server streams it along).
 */
export async function writeBackup(dir: string, records: AsyncIterable<BackupRecord>, linkSecret: () => string | null): Promise<BackupManifest> {
  if (await exists(dir)) throw new BackupError(`${dir} already exists; back up into a new directory`)
  const partial = join(dirname(dir), `.${basename(dir)}.partial-${randomBytes(4).toString('hex')}`)
  // As private as the data: the documents, and the link secret that opens them.
  await mkdir(join(partial, 'docs'), { recursive: true, mode: 0o700 })
  try {
    let documents = 0
    for await (const { meta, state } of records) {
      await writeFile(join(partial, 'docs', `${meta.id}.json`), JSON.stringify(meta, null, 2) + '\n', { mode: 0o600 })
      await writeFile(join(partial, 'docs', `${meta.id}.yjs`), state, { mode: 0o600 })
      documents++
    }
    const manifest: BackupManifest = {
      format: 'quire-backup',
      version: 1,
      createdAt: new Date().toISOString(),
      documents,
      linkSecret: linkSecret(),
    }
    await writeFile(join(partial, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 })
    await rename(partial, dir)
    return manifest
  } catch (error) {
    await rm(partial, { recursive: true, force: true })
    throw error
  }
}

/** Reads a backup's manifest, and checks that the documents it counts are there. */
export async function readManifest(dir: string): Promise<BackupManifest> {
  const manifestFile = join(dir, 'manifest.json')
  const manifest = parse(manifestSchema, await readJson(manifestFile), manifestFile) as BackupManifest
  const count = (await documentFiles(dir)).length
  if (count !== manifest.documents) {
    throw new BackupError(`${manifestFile} counts ${manifest.documents} documents but ${join(dir, 'docs')} holds ${count}`)
  }
  return manifest
}

/** The documents of a backup, each read and checked when it is reached. */
export async function* readRecords(dir: string): AsyncIterable<BackupRecord> {
  for (const name of await documentFiles(dir)) {
    const metaFile = join(dir, 'docs', name)
    const meta = parse(metaSchema, await readJson(metaFile), metaFile)
    if (`${meta.id}.json` !== name) throw new BackupError(`${metaFile} holds document ${meta.id}`)
    const stateFile = join(dir, 'docs', `${meta.id}.yjs`)
    const state = await readFile(stateFile).then(
      (bytes) => new Uint8Array(bytes),
      () => {
        throw new BackupError(`${stateFile} is missing`)
      },
    )
    try {
      Y.decodeUpdate(state)
    } catch {
      throw new BackupError(`${stateFile} is not a Yjs document state`)
    }
    yield { meta, state }
  }
}

/**
 * Restores a backup into a store that holds no document yet. Every file is checked before
 * the first document is written, so a damaged backup restores nothing.
 */
export async function restoreBackup(store: DocStore, dir: string): Promise<number> {
  for await (const existing of store.listDocs()) {
    throw new BackupError(`DATA_DIR already holds documents (${existing.id}, …); restore into an empty one`)
  }
  let checked = 0
  for await (const _record of readRecords(dir)) checked++
  for await (const { meta, state } of readRecords(dir)) await store.createDoc(meta, state)
  return checked
}

async function documentFiles(dir: string): Promise<string[]> {
  const names = await readdir(join(dir, 'docs')).catch(() => [] as string[])
  return names.filter((name) => name.endsWith('.json')).sort()
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

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}
