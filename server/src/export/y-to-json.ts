import type { JSONContent } from '@tiptap/core'
import type { Schema } from '@tiptap/pm/model'
import * as Y from 'yjs'
import { rebuildTree } from './tree.js'

/** Nesting kept in an export; deeper elements give their content to the element above. */
export const MAX_EXPORT_DEPTH = 64

type YNode = Y.XmlElement | Y.XmlText | Y.XmlHook

/**
 * Reads the editor's Y.XmlFragment as ProseMirror JSON, the way y-tiptap stores it (elements
 * by node name and attributes, text with marks as formatting attributes), keeping only what
 * the schema knows. Depth-bounded and iterative, so no document can overflow the stack.
 */
export function fragmentToJSON(fragment: Y.XmlFragment, schema: Schema): JSONContent {
  const content = rebuildTree<YNode>(fragment.toArray(), (child, depth) => {
    if (child instanceof Y.XmlText) return { nodes: textNodes(child, schema) }
    if (!(child instanceof Y.XmlElement)) return undefined
    if (!schema.nodes[child.nodeName] || depth >= MAX_EXPORT_DEPTH) return { unwrap: child.toArray() }
    const attrs = child.getAttributes()
    const node: JSONContent = Object.keys(attrs).length > 0 ? { type: child.nodeName, attrs } : { type: child.nodeName }
    return { node, children: child.toArray() }
  })
  return { type: 'doc', content }
}

function textNodes(text: Y.XmlText, schema: Schema): JSONContent[] {
  const nodes: JSONContent[] = []
  for (const { insert, attributes } of text.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
    if (typeof insert !== 'string' || insert === '') continue
    const node: JSONContent = { type: 'text', text: insert }
    const marks = Object.entries(attributes ?? {})
      // Marks that may overlap are stored as `<name>--<hash>`.
      .map(([key, value]) => ({ type: key.split('--')[0]!, value }))
      .filter(({ type }) => schema.marks[type] !== undefined)
      .map(({ type, value }) => (isAttrs(value) ? { type, attrs: value } : { type }))
    if (marks.length > 0) node.marks = marks
    nodes.push(node)
  }
  return nodes
}

function isAttrs(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0
}
