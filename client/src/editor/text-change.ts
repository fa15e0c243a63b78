/** One splice that turns a text into another: remove `remove` characters at `index`, insert `insert`. */
export interface TextChange {
  index: number
  remove: number
  insert: string
}

/**
 * The smallest single splice between two texts (common prefix and suffix kept), so that an
 * edit of an input field becomes an edit of the shared text that merges with others' edits.
 * `cursor` (the caret after the edit) settles ties: typing "a" into "aa" at the start
 * inserts at 0, not at 2.
 */
export function textChange(before: string, after: string, cursor = after.length): TextChange | undefined {
  if (before === after) return undefined
  const grown = Math.max(0, after.length - before.length)
  const maxPrefix = Math.min(before.length, after.length, Math.max(0, cursor - grown))
  let prefix = 0
  while (prefix < maxPrefix && before[prefix] === after[prefix]) prefix++
  let suffix = 0
  while (suffix < before.length - prefix && suffix < after.length - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) {
    suffix++
  }
  return { index: prefix, remove: before.length - prefix - suffix, insert: after.slice(prefix, after.length - suffix) }
}

/** A Yjs text delta: what a remote change did, in order. */
export type TextDelta = readonly { retain?: number; insert?: unknown; delete?: number }[]

/** Where a caret moves when a remote change happens, so it stays with the text around it. */
export function mapPosition(position: number, delta: TextDelta): number {
  let index = 0
  let mapped = position
  for (const op of delta) {
    if (op.retain !== undefined) {
      index += op.retain
    } else if (op.insert !== undefined) {
      const length = typeof op.insert === 'string' ? op.insert.length : 1
      if (index < mapped) mapped += length
      index += length
    } else if (op.delete !== undefined) {
      if (index < mapped) mapped -= Math.min(op.delete, mapped - index)
    }
  }
  return mapped
}
