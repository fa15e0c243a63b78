import { randomBytes } from 'node:crypto'
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { DocMeta, DocStore, StoredDoc, StoredFile, StoredVersion } from '../storage/doc-store.js'

/**
 * A backup is a directory:
 *
 *   manifest.json             { format, version, createdAt, documents, versions, linkSecret }
 *   docs/<id>.json            the document's metadata
 *   docs/<id>.yjs             its whole state, as one Yjs update
 *   versions/<id>/<v>.json    a version's metadata
 *   versions/<id>/<v>.yjs     its state
 *   files/<id>/<hash>.json    a file's metadata (type, size, createdAt)
 *   files/<id>/<hash>.bin     its bytes (the restore checks them against the hash)
 *
 * Each document is its complete state (base and log merged), read with its versions at one
 * point in time. The format is the same whichever store it came from and goes to, so a backup
 * also moves a deployment from LevelDB to PostgreSQL. Versions 1 (before versions were kept)
 * and 2 (before files) are still read.
 */
export type BackupItem =
  | { kind: 'doc'; meta: DocMeta; state: Uint8Array }
  | { kind: 'version'; docId: string; version: StoredVersion }
  | { kind: 'file'; docId: string; file: StoredFile }

export interface BackupManifest {
  format: 'quire-backup'
  version: 1 | 2 | 3
  createdAt: string
  documents: number
  versions: number
  files: number
  /** The generated link secret (hex), so restored links keep working; null when configured. */
  linkSecret: string | null
}

export class BackupError extends Error {
  override name = 'BackupError'
}

/** Folds a stored base and log into one state, with its title (on a worker thread in a server). */
export type Fold = (stored: StoredDoc) => Promise<{ state: Uint8Array; title: string }>

/** Every document of the store, merged into one state, then its versions: all from one snapshot. */
export async function* backupItems(store: DocStore, fold: Fold): AsyncIterable<BackupItem> {
  for await (const { meta, stored, versions, version } of store.snapshotDocs()) {
    const { state, title } = await fold(stored)
    yield { kind: 'doc', meta: { ...meta, title }, state }
    for (const { v } of versions) {
      const kept = await version(v)
      if (kept) yield { kind: 'version', docId: meta.id, version: kept }
    }
    // Files never change under their hash: read as they are now, one at a time.
    for (const { hash } of await store.listFiles(meta.id)) {
      const file = await store.getFile(meta.id, hash)
      if (file) yield { kind: 'file', docId: meta.id, file }
    }
  }
}

/** How many documents the store holds now: what a backup's progress counts towards. */
export async function countDocuments(store: DocStore): Promise<number> {
  let count = 0
  for await (const _ of store.listDocs()) count++
  return count
}

/**
 * Writes a backup to `dir`, which must not exist yet: it appears whole or not at all. The
 * link secret is asked for once every item is written (a server streams it along);
 * `onDocument` hears of each document written.
 */
export async function writeBackup(
  dir: string,
  items: AsyncIterable<BackupItem>,
  linkSecret: () => string | null,
  onDocument = () => {},
): Promise<BackupManifest> {
  if (await exists(dir)) throw new BackupError(`${dir} already exists; back up into a new directory`)
  const partial = join(dirname(dir), `.${basename(dir)}.partial-${randomBytes(4).toString('hex')}`)
  // As private as the data: the documents, and the link secret that opens them.
  const folder = (path: string) => mkdir(path, { recursive: true, mode: 0o700 })
  const file = (path: string, data: string | Uint8Array) => writeFile(path, data, { mode: 0o600 })
  await folder(join(partial, 'docs'))
  await folder(join(partial, 'versions'))
  try {
    let documents = 0
    let versions = 0
    let files = 0
    for await (const item of items) {
      if (item.kind === 'file') {
        const { bytes, hash, ...info } = item.file
        await folder(join(partial, 'files', item.docId))
        await file(join(partial, 'files', item.docId, `${hash}.json`), JSON.stringify(info, null, 2) + '\n')
        await file(join(partial, 'files', item.docId, `${hash}.bin`), bytes)
        files++
      } else if (item.kind === 'doc') {
        await file(join(partial, 'docs', `${item.meta.id}.json`), JSON.stringify(item.meta, null, 2) + '\n')
        await file(join(partial, 'docs', `${item.meta.id}.yjs`), item.state)
        documents++
        onDocument()
      } else {
        const { info, state } = item.version
        await folder(join(partial, 'versions', item.docId))
        await file(join(partial, 'versions', item.docId, `${info.v}.json`), JSON.stringify(info, null, 2) + '\n')
        await file(join(partial, 'versions', item.docId, `${info.v}.yjs`), state)
        versions++
      }
    }
    const manifest: BackupManifest = {
      format: 'quire-backup',
      version: 3,
      createdAt: new Date().toISOString(),
      documents,
      versions,
      files,
      linkSecret: linkSecret(),
    }
    await file(join(partial, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
    await rename(partial, dir)
    return manifest
  } catch (error) {
    await rm(partial, { recursive: true, force: true })
    throw error
  }
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}
