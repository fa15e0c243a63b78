import * as Y from 'yjs'
import { TITLE_FIELD } from '@quire/shared'

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
