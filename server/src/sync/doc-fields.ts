import * as Y from 'yjs'
import { TITLE_FIELD } from '@quire/shared'
import type { StoredDoc } from '../storage/doc-store.js'

/** Where a change came from: the room applies it with this origin. */
export const Origin = {
  /** Read from the store. */
  load: 'load',
  /** Sent by a socket. */
  peer: 'peer',
  /** Made by the server itself (a restore, a comment from the API). */
  api: 'api',
  /** Written by another instance, or read back from the store to fill a gap. */
  fanout: 'fanout',
} as const
export type Origin = (typeof Origin)[keyof typeof Origin]

/**
 * A Y.Doc for the server's own use. Yjs names every Y.Doc with a random UUID unless given a
 * guid, and lib0 draws it as 31 calls to the system's random source: a tenth of a joiner's
 * CPU in the benchmark's many-documents run. Only subdocuments use the guid; the server has none.
 */
export function serverDoc(): Y.Doc {
  return new Y.Doc({ guid: 'quire' })
}

/**
 * `use` on a Y.Doc holding `state`, destroyed afterwards. Each gets a client id of its own, so
 * two changes made at once from the same state never clash.
 */
export function withDoc<T>(state: Uint8Array, use: (doc: Y.Doc) => T): T {
  const doc = serverDoc()
  try {
    Y.applyUpdate(doc, state)
    return use(doc)
  } finally {
    doc.destroy()
  }
}

/** Longest title the server writes into a document. */
export const MAX_TITLE_LENGTH = 200

export function readTitle(doc: Y.Doc): string {
  return doc.getText(TITLE_FIELD).toString().slice(0, MAX_TITLE_LENGTH)
}

/** The first state of a new document: its title, and whatever `fill` writes into it. */
export function initialState(title: string, fill?: (doc: Y.Doc) => void): Uint8Array {
  const doc = serverDoc()
  try {
    doc.transact(() => {
      if (title) doc.getText(TITLE_FIELD).insert(0, title.slice(0, MAX_TITLE_LENGTH))
      fill?.(doc)
    })
    return Y.encodeStateAsUpdate(doc)
  } finally {
    doc.destroy()
  }
}

/**
 * Applies `updates` to `doc` in one transaction. One that fails is applied as far as it goes,
 * as it was when it was first received, and reported with its index.
 */
export function applyEach(doc: Y.Doc, updates: readonly Uint8Array[], origin: Origin, onFailed: (index: number, error: unknown) => void): void {
  Y.transact(
    doc,
    () => {
      for (const [index, update] of updates.entries()) {
        try {
          Y.applyUpdate(doc, update)
        } catch (error) {
          onFailed(index, error)
        }
      }
    },
    origin,
  )
}

/**
 * Applies `updates` in one transaction (see applyEach) and returns the update Yjs made of them,
 * none if nothing changed.
 */
export function applyBatch(
  doc: Y.Doc,
  updates: readonly Uint8Array[],
  origin: Origin,
  onFailed: (index: number, error: unknown) => void,
): Uint8Array | undefined {
  let change: Uint8Array | undefined
  const capture = (update: Uint8Array) => (change = update)
  doc.on('update', capture)
  try {
    applyEach(doc, updates, origin, onFailed)
  } finally {
    doc.off('update', capture)
  }
  return change
}

/**
 * Applies a stored document to `doc` in one transaction: the base, then each log entry (see
 * applyEach; a base that fails fails the whole).
 */
export function applyStored(doc: Y.Doc, { base, log }: StoredDoc, origin: Origin, onEntryError: (seq: number, error: unknown) => void): void {
  Y.transact(
    doc,
    () => {
      if (base) Y.applyUpdate(doc, base)
      applyEach(
        doc,
        log.map(({ update }) => update),
        origin,
        (index, error) => onEntryError(log[index]!.seq, error),
      )
    },
    origin,
  )
}

/** A stored base and log as one state, with its title. */
export function foldStored(stored: StoredDoc): { state: Uint8Array; title: string } {
  const doc = serverDoc()
  try {
    applyStored(doc, stored, Origin.load, () => {})
    return { state: Y.encodeStateAsUpdate(doc), title: readTitle(doc) }
  } finally {
    doc.destroy()
  }
}
