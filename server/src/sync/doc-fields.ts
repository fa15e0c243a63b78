import * as Y from 'yjs'
import { TITLE_FIELD } from '@quire/shared'
import type { StoredDoc } from '../storage/doc-store.js'

/** Longest title the server writes into a document. */
export const MAX_TITLE_LENGTH = 200

export function readTitle(doc: Y.Doc): string {
  return doc.getText(TITLE_FIELD).toString().slice(0, MAX_TITLE_LENGTH)
}

/** The first state of a new document: its title, and whatever `fill` writes into it. */
export function initialState(title: string, fill?: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc()
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
 * Applies a stored document (base, then log) to `doc` in one transaction. A log entry that
 * fails is applied as far as it goes, as it was when it was first received, and reported.
 */
export function applyStored(doc: Y.Doc, { base, log }: StoredDoc, origin: unknown, onEntryError: (seq: number, error: unknown) => void): void {
  Y.transact(
    doc,
    () => {
      if (base) Y.applyUpdate(doc, base)
      for (const { seq, update } of log) {
        try {
          Y.applyUpdate(doc, update)
        } catch (error) {
          onEntryError(seq, error)
        }
      }
    },
    origin,
  )
}

/** A stored base and log as one state, with its title. */
export function foldStored(stored: StoredDoc): { state: Uint8Array; title: string } {
  const doc = new Y.Doc()
  try {
    applyStored(doc, stored, 'fold', () => {})
    return { state: Y.encodeStateAsUpdate(doc), title: readTitle(doc) }
  } finally {
    doc.destroy()
  }
}
