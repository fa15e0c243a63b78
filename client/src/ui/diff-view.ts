import type { DiffBlock, DiffOp } from '@quire/shared'
import type { BlockContainer, BlockKind } from './block-kinds.js'
import { h } from './dom.js'

/** The kinds of the text blocks of the version and of the current document, in order. */
export interface DiffKinds {
  version: readonly BlockKind[]
  current: readonly BlockKind[]
}

const PARAGRAPH: BlockKind = { type: 'paragraph', containers: [] }

/**
 * A version's text, block by block, from the server's comparison with the current document.
 * With `changes`, what changed since is marked: `<del>` for what is gone since the version,
 * `<ins>` for what was added since, whole blocks and single words. Without, only the version's
 * own text. With `kinds`, each block is shown as what it is (a heading, code, an item of a
 * list or of a quote); without, as a paragraph. Every piece of text is set as text, never
 * parsed as HTML.
 */
export function renderDiff(blocks: readonly DiffBlock[], changes: boolean, kinds?: DiffKinds): HTMLElement[] {
  const root: HTMLElement[] = []
  const layout = new Layout(root)
  let inVersion = 0
  let inCurrent = 0
  for (const block of blocks) {
    // Which document the block is in, and so whose structure it takes.
    const side = block.op === 'added' ? 'current' : 'version'
    const kind = (side === 'current' ? kinds?.current[inCurrent] : kinds?.version[inVersion]) ?? PARAGRAPH
    if (block.op !== 'added') inVersion++
    if (block.op !== 'removed') inCurrent++

    let element: HTMLElement | undefined
    if (block.op === 'changed') {
      const words = changes ? block.words : block.words.filter((word) => word.op !== 'added')
      const pieces = words.map((word) => (changes ? piece(word.op, word.text) : word.text))
      element = blockElement(kind, `diff__block${changes ? ' diff__block--changed' : ''}`, pieces)
    } else if (!changes) {
      if (block.op !== 'added') element = blockElement(kind, 'diff__block', [block.text])
    } else {
      element = blockElement(kind, `diff__block diff__block--${block.op}`, [piece(block.op, block.text)])
    }
    if (element) layout.place(element, kind.containers, side)
  }
  return root
}

function blockElement(kind: BlockKind, className: string, children: (Node | string)[]): HTMLElement {
  switch (kind.type) {
    case 'heading':
      return h('p', { class: `${className} diff__heading diff__heading--${Math.min(Math.max(kind.level ?? 1, 1), 6)}` }, ...children)
    case 'codeBlock':
      return h('pre', { class: `${className} diff__code` }, ...children)
    default:
      return h('p', { class: className }, ...children)
  }
}

function containerElement(container: BlockContainer): HTMLElement {
  switch (container.type) {
    case 'bulletList':
      return h('ul', { class: 'diff__list' })
    case 'orderedList':
      return h('ol', { class: 'diff__list' })
    case 'taskList':
      return h('ul', { class: 'diff__list diff__tasks' })
    case 'taskItem':
      return h(
        'li',
        { class: `diff__task${container.checked ? ' diff__task--done' : ''}` },
        h('span', { class: 'visually-hidden', text: container.checked ? 'Done: ' : 'To do: ' }),
      )
    case 'listItem':
      return h('li', {})
    case 'blockquote':
      return h('blockquote', { class: 'diff__quote' })
    default:
      return h('div', {})
  }
}

/** Containers that consecutive blocks share by their type: so a block added to a list joins that list. */
const SHARED_BY_TYPE = new Set(['bulletList', 'orderedList', 'taskList', 'blockquote'])

/** Puts blocks into their lists and quotes: consecutive blocks of the same container share its element. */
class Layout {
  readonly #root: HTMLElement[]
  #open: { key: string; element: HTMLElement }[] = []

  constructor(root: HTMLElement[]) {
    this.#root = root
  }

  place(element: HTMLElement, containers: readonly BlockContainer[], side: string): void {
    const keys = containers.map((container) => (SHARED_BY_TYPE.has(container.type) ? container.type : `${side}:${container.id}`))
    let shared = 0
    while (shared < this.#open.length && shared < keys.length && this.#open[shared]!.key === keys[shared]) shared++
    this.#open.length = shared
    for (let i = shared; i < containers.length; i++) {
      const opened = containerElement(containers[i]!)
      this.#append(opened)
      this.#open.push({ key: keys[i]!, element: opened })
    }
    this.#append(element)
  }

  #append(element: HTMLElement): void {
    const parent = this.#open.at(-1)?.element
    if (parent) parent.append(element)
    else this.#root.push(element)
  }
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
