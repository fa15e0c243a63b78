import type { JSONContent } from '@tiptap/core'

/** A container around text blocks: a list, a list item, a quote… `id` tells two of the same type apart. */
export interface BlockContainer {
  id: number
  type: string
  /** A task item's state. */
  checked?: boolean
}

/** What a text block of a document is (a paragraph, a heading, code) and what it sits in. */
export interface BlockKind {
  type: string
  /** A heading's level. */
  level?: number
  /** Outermost first. */
  containers: BlockContainer[]
}

/**
 * The kind of every text block of a document, in document order: the same blocks, in the same
 * order, as the server compares (each text block once, blocks without text such as a divider
 * left out), so the comparison's blocks can be shown as what they are.
 */
export function blockKinds(doc: JSONContent, isTextblock: (type: string) => boolean): BlockKind[] {
  const kinds: BlockKind[] = []
  let nextId = 0
  // Depth-first, in order, without recursion: a document may nest deeply.
  const stack: { node: JSONContent; containers: BlockContainer[] }[] = [{ node: doc, containers: [] }]
  while (stack.length > 0) {
    const { node, containers } = stack.pop()!
    const type = node.type ?? ''
    if (isTextblock(type)) {
      const level = type === 'heading' ? Number(node.attrs?.level) || 1 : undefined
      kinds.push(level === undefined ? { type, containers } : { type, level, containers })
      continue
    }
    const inner =
      node === doc ? containers : [...containers, { id: nextId++, type, ...(typeof node.attrs?.checked === 'boolean' ? { checked: node.attrs.checked } : {}) }]
    const children = node.content ?? []
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, containers: inner })
  }
  return kinds
}
