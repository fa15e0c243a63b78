import type { DiffBlock, DiffOp } from '@quire/shared'
import { h } from './dom.js'

/**
 * A version's text, block by block, from the server's comparison with the current document.
 * With `changes`, what changed since is marked: `<del>` for what is gone since the version,
 * `<ins>` for what was added since, whole blocks and single words. Without, only the version's
 * own text. Every piece of text is set as text, never parsed as HTML.
 */
export function renderDiff(blocks: readonly DiffBlock[], changes: boolean): HTMLElement[] {
  const rendered: HTMLElement[] = []
  for (const block of blocks) {
    if (block.op === 'changed') {
      const words = changes ? block.words : block.words.filter((word) => word.op !== 'added')
      const pieces = words.map((word) => (changes ? piece(word.op, word.text) : word.text))
      rendered.push(h('p', { class: `diff__block${changes ? ' diff__block--changed' : ''}` }, ...pieces))
    } else if (!changes) {
      if (block.op !== 'added') rendered.push(h('p', { class: 'diff__block' }, block.text))
    } else {
      rendered.push(h('p', { class: `diff__block diff__block--${block.op}` }, piece(block.op, block.text)))
    }
  }
  return rendered
}

function piece(op: DiffOp, text: string): Node | string {
  switch (op) {
    case 'added':
      return h('ins', {}, text)
    case 'removed':
      return h('del', {}, text)
    default:
      return text
  }
}

/** How many blocks were added, removed or changed: none means the version is the current text. */
export function countChanges(blocks: readonly DiffBlock[]): number {
  return blocks.filter((block) => block.op !== 'same').length
}
