import type { DocMeta, FileInfo } from './doc-store.js'

/**
 * Key layout, one namespace per document (`!` sorts below every id character, `"` just above):
 *
 *   d!<id>!meta          JSON: createdAt, epoch
 *   d!<id>!title         the title as of the last compaction
 *   d!<id>!touched       ISO time of the last content write
 *   d!<id>!base          compacted Yjs state
 *   d!<id>!baseseq       the last log seq the base covers (reads of the log start after it,
 *                        past the deletions a compaction leaves until LevelDB clears them)
 *   d!<id>!log!<seq>     one write batch's updates of the document, packed; seq as 12 hex
 *                        digits so keys sort in write order
 *   d!<id>!vi!<v>        a version's metadata (JSON); v as 8 hex digits
 *   d!<id>!vs!<v>        a version's state
 *   d!<id>!fi!<hash>     a file's info (JSON: type, size, createdAt); hash as sha256 hex
 *   d!<id>!fd!<hash>     a file's bytes
 */
export const docPrefix = (id: string) => `d!${id}!`
export const docEnd = (id: string) => `d!${id}"`
export const metaKey = (id: string) => `d!${id}!meta`
export const titleKey = (id: string) => `d!${id}!title`
export const touchedKey = (id: string) => `d!${id}!touched`
export const baseKey = (id: string) => `d!${id}!base`
export const baseSeqKey = (id: string) => `d!${id}!baseseq`
export const logPrefix = (id: string) => `d!${id}!log!`
export const logEnd = (id: string) => `d!${id}!log"`
export const logKey = (id: string, seq: number) => logPrefix(id) + seq.toString(16).padStart(12, '0')
export const versionInfoPrefix = (id: string) => `d!${id}!vi!`
export const versionInfoKey = (id: string, v: number) => versionInfoPrefix(id) + v.toString(16).padStart(8, '0')
export const versionStateKey = (id: string, v: number) => `d!${id}!vs!` + v.toString(16).padStart(8, '0')

export const fileInfoPrefix = (id: string) => `d!${id}!fi!`
export const fileInfoEnd = (id: string) => `d!${id}!fi"`
export const fileInfoKey = (id: string, hash: string) => fileInfoPrefix(id) + hash
export const fileDataKey = (id: string, hash: string) => `d!${id}!fd!` + hash

const encoder = new TextEncoder()
const decoder = new TextDecoder()

type StoredMeta = Pick<DocMeta, 'createdAt' | 'epoch'>

export function decodeSeq(bytes: Uint8Array): number {
  const seq = Number(decoder.decode(bytes))
  if (!Number.isSafeInteger(seq)) throw new Error('a stored base sequence number is corrupt')
  return seq
}

export function encodeMeta(meta: DocMeta): Uint8Array {
  const stored: StoredMeta = { createdAt: meta.createdAt, epoch: meta.epoch }
  return encoder.encode(JSON.stringify(stored))
}

export function decodeMeta(id: string, meta: Uint8Array, title: Uint8Array | undefined, touched: Uint8Array | undefined): DocMeta {
  const stored = JSON.parse(decoder.decode(meta)) as Partial<StoredMeta>
  if (typeof stored.createdAt !== 'string' || !Number.isSafeInteger(stored.epoch)) {
    throw new Error(`the stored metadata of document ${id} is corrupt`)
  }
  return {
    id,
    title: title ? decoder.decode(title) : '',
    createdAt: stored.createdAt,
    updatedAt: touched ? decoder.decode(touched) : stored.createdAt,
    epoch: stored.epoch as number,
  }
}

export function decodeFileInfo(hash: string, value: Uint8Array): FileInfo {
  const { type, size, createdAt } = JSON.parse(decoder.decode(value)) as Partial<FileInfo>
  if (typeof type !== 'string' || !Number.isSafeInteger(size) || typeof createdAt !== 'string') throw new Error(`the stored info of file ${hash} is corrupt`)
  return { hash, type, size: size as number, createdAt }
}
