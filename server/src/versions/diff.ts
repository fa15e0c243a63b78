import { diffArrays, diffWordsWithSpace } from 'diff'
import type { DiffBlock, DiffOp } from '@quire/shared'

/**
 * How long the words of one edited block may be compared; past it, the block shows as removed
 * and added whole. Keeps a long rewritten paragraph from eating the comparison's whole budget.
 */
const WORD_DIFF_BUDGET_MS = 200

/**
 * What changed from `before` to `after`, both lists of text blocks (paragraphs, headings,
 * list items): blocks added and removed, and, where a block was edited in place, its words.
 */
export function diffBlocks(before: readonly string[], after: readonly string[]): DiffBlock[] {
  const blocks: DiffBlock[] = []
  const changes = diffArrays([...before], [...after])
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!
    const next = changes[i + 1]
    if (change.removed && next?.added) {
      // A run of blocks replaced by another: pair them up, word by word.
      const pairs = Math.min(change.value.length, next.value.length)
      for (let j = 0; j < pairs; j++) blocks.push(...changed(change.value[j]!, next.value[j]!))
      for (const text of change.value.slice(pairs)) blocks.push({ op: 'removed', text })
      for (const text of next.value.slice(pairs)) blocks.push({ op: 'added', text })
      i++
      continue
    }
    const op: DiffOp = change.added ? 'added' : change.removed ? 'removed' : 'same'
    for (const text of change.value) blocks.push({ op, text })
  }
  return blocks
}

function changed(before: string, after: string): DiffBlock[] {
  const parts = diffWordsWithSpace(before, after, { timeout: WORD_DIFF_BUDGET_MS })
  if (parts === undefined) {
    return [
      { op: 'removed', text: before },
      { op: 'added', text: after },
    ]
  }
  const words = parts.map((part) => ({
    op: (part.added ? 'added' : part.removed ? 'removed' : 'same') as DiffOp,
    text: part.value,
  }))
  return [{ op: 'changed', words }]
}
