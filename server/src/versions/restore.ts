import { diffArrays } from 'diff'
import * as Y from 'yjs'
import { CONTENT_FIELD, TITLE_FIELD } from '@quire/shared'
import { readThreads, restoreThreads } from '@quire/shared/comments'

/** The origin of a restore's transactions. */
export const RESTORE_ORIGIN = 'restore'

/**
 * Top-level blocks deleted or inserted per update of a restore. The server applies each
 * update on a turn of its own: a restore that rewrites 20 000 paragraphs as one update held
 * the event loop for seconds.
 */
const BLOCKS_PER_UPDATE = 256
/** How hard the blocks are compared before a restore settles for replacing the changed middle. */
const COMPARE_BUDGET = { maxEditLength: 4_000, timeout: 1_000 }

type Block = Y.XmlElement | Y.XmlText

export interface Restore {
  /** The changes, in the order they must be applied. */
  updates: Uint8Array[]
  /** The size of the document's state once they are. */
  bytes: number
}

/** A run of blocks to replace: `remove` blocks at `at` give way to `insert`. */
interface Hunk {
  at: number
  remove: number
  insert: Block[]
}

/**
 * The changes that make `current` hold the content, title and comments of a version, as new changes on
 * top of it: never a swap of state that a client's copy could undo, so live editors see them
 * arrive like any edit and offline copies merge with them. Only the blocks that differ are
 * replaced, so a restore costs what it changes and leaves few deleted blocks behind.
 */
export function restoreUpdates(current: Y.Doc, versionState: Uint8Array): Restore {
  const version = new Y.Doc()
  const scratch = new Y.Doc()
  try {
    Y.applyUpdate(version, versionState)
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(current))
    const updates: Uint8Array[] = []
    scratch.on('update', (update: Uint8Array) => updates.push(update))
    const fragment = scratch.getXmlFragment(CONTENT_FIELD)
    const wanted = version.getXmlFragment(CONTENT_FIELD).toArray().filter(isBlock)
    // From the end, so that every hunk's index still holds when it is applied.
    for (const hunk of hunks(fragment.toArray(), wanted).reverse()) {
      for (let left = hunk.remove; left > 0; left -= BLOCKS_PER_UPDATE) {
        scratch.transact(() => fragment.delete(hunk.at, Math.min(left, BLOCKS_PER_UPDATE)), RESTORE_ORIGIN)
      }
      for (let from = 0; from < hunk.insert.length; from += BLOCKS_PER_UPDATE) {
        const slice = hunk.insert.slice(from, from + BLOCKS_PER_UPDATE).map((block) => block.clone())
        scratch.transact(() => fragment.insert(hunk.at + from, slice), RESTORE_ORIGIN)
      }
    }
    const title = scratch.getText(TITLE_FIELD)
    const wantedTitle = version.getText(TITLE_FIELD).toString()
    if (title.toString() !== wantedTitle) {
      scratch.transact(() => {
        title.delete(0, title.length)
        title.insert(0, wantedTitle)
      }, RESTORE_ORIGIN)
    }
    // The version's comments, on the text just brought back.
    restoreThreads(scratch, readThreads(version), RESTORE_ORIGIN)
    return { updates, bytes: Y.encodeStateAsUpdate(scratch).length }
  } finally {
    version.destroy()
    scratch.destroy()
  }
}

/** Where `have` must change to become `want`, compared block by block (as XML). */
function hunks(have: (Block | Y.XmlHook)[], want: Block[]): Hunk[] {
  // A hook is no block of the editor's: it matches nothing, so it goes.
  const haveKeys = have.map((node) => (isBlock(node) ? node.toString() : '\u0000hook'))
  const wantKeys = want.map((block) => block.toString())
  // What both start and end with stays whatever the comparison below manages.
  let start = 0
  while (start < haveKeys.length && start < wantKeys.length && haveKeys[start] === wantKeys[start]) start++
  let end = 0
  while (end < haveKeys.length - start && end < wantKeys.length - start && haveKeys.at(-1 - end) === wantKeys.at(-1 - end)) end++
  const middleHave = haveKeys.slice(start, haveKeys.length - end)
  const middleWant = wantKeys.slice(start, wantKeys.length - end)
  const changes = diffArrays(middleHave, middleWant, COMPARE_BUDGET)
  if (changes === undefined) return [{ at: start, remove: middleHave.length, insert: want.slice(start, want.length - end) }]
  const found: Hunk[] = []
  let haveIndex = start
  let wantIndex = start
  for (const change of changes) {
    const count = change.count ?? change.value.length
    if (change.removed) {
      found.push({ at: haveIndex, remove: count, insert: [] })
      haveIndex += count
    } else if (change.added) {
      const previous = found.at(-1)
      const inserted = want.slice(wantIndex, wantIndex + count)
      // A removal followed by an addition at the same place is one replacement.
      if (previous && previous.at + previous.remove === haveIndex && previous.insert.length === 0) previous.insert = inserted
      else found.push({ at: haveIndex, remove: 0, insert: inserted })
      wantIndex += count
    } else {
      haveIndex += count
      wantIndex += count
    }
  }
  return found
}

function isBlock(node: Y.XmlElement | Y.XmlText | Y.XmlHook): node is Block {
  return !(node instanceof Y.XmlHook)
}
