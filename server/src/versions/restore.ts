import * as Y from 'yjs'
import { CONTENT_FIELD, TITLE_FIELD } from '@quire/shared'

/** The origin of a restore's transaction. */
export const RESTORE_ORIGIN = 'restore'

/**
 * The update that makes `current` hold the content and title of a version, as a new change
 * on top of it: never a swap of state that a client's copy could undo, so live editors see
 * it arrive like any edit and offline copies merge with it.
 */
export function restoreUpdate(current: Y.Doc, versionState: Uint8Array): Uint8Array {
  const version = new Y.Doc()
  const scratch = new Y.Doc()
  try {
    Y.applyUpdate(version, versionState)
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(current))
    let change: Uint8Array = new Uint8Array([0, 0])
    scratch.on('update', (update: Uint8Array) => {
      change = update
    })
    scratch.transact(() => {
      const fragment = scratch.getXmlFragment(CONTENT_FIELD)
      fragment.delete(0, fragment.length)
      const nodes = version.getXmlFragment(CONTENT_FIELD).toArray()
      fragment.insert(0, nodes.flatMap((node) => (node instanceof Y.XmlHook ? [] : [node.clone()])))
      const title = scratch.getText(TITLE_FIELD)
      title.delete(0, title.length)
      title.insert(0, version.getText(TITLE_FIELD).toString())
    }, RESTORE_ORIGIN)
    return change
  } finally {
    version.destroy()
    scratch.destroy()
  }
}
