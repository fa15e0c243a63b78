import type { JSONContent } from '@tiptap/core'
import type { Schema } from '@tiptap/pm/model'
import { IMAGE_WIDTH, MAX_ALT_LENGTH, isAllowedLink } from '@quire/shared/schema'
import { FILE_HASH_PATTERN } from '@quire/shared'
import { rebuildTree } from './tree.js'

type Rule = (value: unknown) => unknown

const ORDERED_LIST_TYPES = ['1', 'a', 'A', 'i', 'I']

const MAX_SPAN = 100
const MAX_COLUMN_WIDTH = 10_000

const span: Rule = (value) => (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_SPAN ? value : undefined)

/** Column widths in pixels, one per spanned column (a resized column), or nothing. */
const columnWidths: Rule = (value) =>
  Array.isArray(value) &&
  value.length <= MAX_SPAN &&
  value.every((width) => width === null || (Number.isInteger(width) && width > 0 && width <= MAX_COLUMN_WIDTH))
    ? value
    : undefined

const CELL_RULES: Record<string, Rule> = {
  colspan: span,
  rowspan: span,
  colwidth: columnWidths,
  align: (value) => (['left', 'center', 'right'].includes(value as string) ? value : undefined),
}

/**
 * The attributes a document may carry, each with what it may hold: anything else, and any
 * attribute not named here, is dropped (the schema's default takes its place).
 */
const ATTRIBUTE_RULES: Record<string, Record<string, Rule>> = {
  heading: { level: (value) => (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 6 ? value : undefined) },
  orderedList: {
    start: (value) => (Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) < 1e9 ? value : undefined),
    type: (value) => (ORDERED_LIST_TYPES.includes(value as string) ? value : undefined),
  },
  codeBlock: { language: (value) => (typeof value === 'string' && /^[\w+#.-]{1,40}$/.test(value) ? value : undefined) },
  taskItem: { checked: (value) => value === true },
  link: { href: (value) => (isAllowedLink(value) ? value : undefined) },
  image: {
    file: (value) => (typeof value === 'string' && FILE_HASH_PATTERN.test(value) ? value : undefined),
    alt: (value) => (typeof value === 'string' ? value.slice(0, MAX_ALT_LENGTH) : undefined),
    width: (value) => (Number.isInteger(value) && (value as number) >= IMAGE_WIDTH.min && (value as number) <= IMAGE_WIDTH.max ? value : undefined),
  },
  tableCell: CELL_RULES,
  tableHeader: CELL_RULES,
}

/** Marks that mean nothing without an attribute: a link without a valid address is no link. */
const REQUIRED_ATTRIBUTE: Record<string, string> = { link: 'href' }
/** Nodes that mean nothing without an attribute: an image without its file is dropped. */
const REQUIRED_NODE_ATTRIBUTE: Record<string, string> = { image: 'file' }

function cleanAttrs(type: string, attrs: unknown): Record<string, unknown> | undefined {
  const rules = ATTRIBUTE_RULES[type]
  if (!rules || typeof attrs !== 'object' || attrs === null) return undefined
  const clean: Record<string, unknown> = {}
  for (const [name, rule] of Object.entries(rules)) {
    const value = rule((attrs as Record<string, unknown>)[name])
    if (value !== undefined) clean[name] = value
  }
  return Object.keys(clean).length > 0 ? clean : undefined
}

function cleanMarks(marks: unknown, schema: Schema): JSONContent['marks'] {
  if (!Array.isArray(marks)) return []
  const clean: NonNullable<JSONContent['marks']> = []
  for (const mark of marks as { type?: unknown; attrs?: unknown }[]) {
    if (typeof mark?.type !== 'string' || schema.marks[mark.type] === undefined) continue
    const attrs = cleanAttrs(mark.type, mark.attrs)
    const required = REQUIRED_ATTRIBUTE[mark.type]
    if (required !== undefined && attrs?.[required] === undefined) continue
    clean.push(attrs ? { type: mark.type, attrs } : { type: mark.type })
  }
  return clean
}

/**
 * Keeps what the schema knows, with attributes it allows: the same rules whether content
 * comes in (an import) or goes out (an export of what a raw client may have written).
 * Unknown nodes give their content to their parent; unknown marks and attributes, and links
 * that are not http, https or mailto, are dropped. Also returns the deepest nesting met.
 */
export function sanitizeDoc(json: JSONContent, schema: Schema): { doc: JSONContent; depth: number } {
  let deepest = 0
  const content = rebuildTree<JSONContent>(json.content ?? [], (node, depth) => {
    deepest = Math.max(deepest, depth)
    if (typeof node?.type !== 'string') return undefined
    if (node.type === 'text') {
      if (typeof node.text !== 'string' || node.text === '') return undefined
      const marks = cleanMarks(node.marks, schema)
      return { nodes: [marks && marks.length > 0 ? { type: 'text', text: node.text, marks } : { type: 'text', text: node.text }] }
    }
    if (!schema.nodes[node.type]) return { unwrap: node.content ?? [] }
    const attrs = cleanAttrs(node.type, node.attrs)
    const required = REQUIRED_NODE_ATTRIBUTE[node.type]
    if (required !== undefined && attrs?.[required] === undefined) return undefined
    return { node: attrs ? { type: node.type, attrs } : { type: node.type }, children: node.content }
  })
  return { doc: { type: 'doc', content }, depth: deepest }
}
