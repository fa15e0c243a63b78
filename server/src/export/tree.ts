import type { JSONContent } from '@tiptap/core'

/** What a source node becomes in the rebuilt tree. */
export type Rebuilt<S> =
  | { node: JSONContent; children?: readonly S[] }
  /** Leaf output, such as text nodes. */
  | { nodes: JSONContent[] }
  /** No node of its own: its children take its place. */
  | { unwrap: readonly S[] }
  | undefined

/**
 * Rebuilds a tree of ProseMirror JSON from any source tree, depth first with an explicit
 * stack instead of recursion, so that no input, however deep, can overflow the call stack.
 */
export function rebuildTree<S>(roots: readonly S[], rebuild: (source: S, depth: number) => Rebuilt<S>): JSONContent[] {
  const top: JSONContent[] = []
  const stack: { from: readonly S[]; next: number; into: JSONContent[]; depth: number }[] = [{ from: roots, next: 0, into: top, depth: 1 }]
  while (stack.length > 0) {
    const frame = stack.at(-1)!
    if (frame.next >= frame.from.length) {
      stack.pop()
      continue
    }
    const result = rebuild(frame.from[frame.next++]!, frame.depth)
    if (result === undefined) continue
    if ('nodes' in result) {
      frame.into.push(...result.nodes)
    } else if ('unwrap' in result) {
      // A paused parent resumes after these, so they land in its place.
      stack.push({ from: result.unwrap, next: 0, into: frame.into, depth: frame.depth })
    } else {
      frame.into.push(result.node)
      if (result.children && result.children.length > 0) {
        result.node.content = []
        stack.push({ from: result.children, next: 0, into: result.node.content, depth: frame.depth + 1 })
      }
    }
  }
  return top
}
