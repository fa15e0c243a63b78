import { Extension, getExtensionField, type AnyExtension, type JSONContent, type MarkdownRendererHelpers, type MarkdownTokenizer } from '@tiptap/core'

/** Renders a table node alone as HTML (the schema's own rendering). */
export type TableToHtml = (table: JSONContent) => string
/** Parses an HTML fragment into the schema's top-level nodes. */
export type HtmlToNodes = (html: string) => JSONContent[]

/**
 * A table GFM can hold: a header row of header cells on top, plain cells below, no merged
 * cells, and one paragraph per cell without line breaks (a GFM cell is one line of inline text).
 */
export function isGfmTable(table: JSONContent): boolean {
  const rows = table.content ?? []
  if (rows.length === 0) return false
  return rows.every((row, index) =>
    (row.content ?? []).every((cell) => {
      if (cell.type !== (index === 0 ? 'tableHeader' : 'tableCell')) return false
      if ((cell.attrs?.colspan ?? 1) !== 1 || (cell.attrs?.rowspan ?? 1) !== 1) return false
      const blocks = cell.content ?? []
      if (blocks.length > 1 || (blocks[0] !== undefined && blocks[0].type !== 'paragraph')) return false
      return !(blocks[0]?.content ?? []).some((inline) => inline.type !== 'text')
    }),
  )
}

const ALIGN_RULE: Record<string, string> = { left: ':--', center: ':-:', right: '--:' }

function gfmTable(table: JSONContent, helpers: MarkdownRendererHelpers): string {
  const rows = (table.content ?? []).map((row) => (row.content ?? []).map((cell) => cell))
  const columns = Math.max(...rows.map((row) => row.length))
  // A `|` in a cell, even in a code span, is written `\|` (GFM splits cells before anything else).
  const cellText = (cell: JSONContent | undefined) => (cell?.content ? helpers.renderChildren(cell.content).trim().replace(/\|/g, '\\|') : '')
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  const all = (row: JSONContent[]) => Array.from({ length: columns }, (_, index) => cellText(row[index]))
  const header = rows[0] ?? []
  const rule = Array.from({ length: columns }, (_, index) => ALIGN_RULE[String(header[index]?.attrs?.align)] ?? '---')
  return [line(all(header)), line(rule), ...rows.slice(1).map((row) => line(all(row)))].join('\n')
}

/** The first `count` lines of `src`, found without splitting the rest. */
function firstLines(src: string, count: number): string {
  let end = -1
  for (let line = 0; line < count; line++) {
    end = src.indexOf('\n', end + 1)
    if (end === -1) return src
  }
  return src.slice(0, end)
}

function startOf(tokenizer: MarkdownTokenizer, src: string): number {
  const { start } = tokenizer
  return typeof start === 'function' ? start(src) : start === undefined ? -1 : src.indexOf(start)
}

/**
 * Tables in Markdown: as GFM tables when GFM can hold them, otherwise as the table's HTML (one
 * line: a blank line would end Markdown's HTML block), which Markdown allows between blocks.
 * Reading back takes both: GFM through Tiptap's table tokenizer, HTML tables through
 * `fromHtml` (the Markdown parser alone would keep them as literal text).
 */
export function markdownTables(extensions: AnyExtension[], toHtml: TableToHtml, fromHtml: HtmlToNodes): AnyExtension[] {
  const tables = extensions.map((extension) => {
    if (extension.name !== 'table') return extension
    const tokenizer = getExtensionField<MarkdownTokenizer | undefined>(extension, 'markdownTokenizer')
    return extension.extend({
      renderMarkdown: (node: JSONContent, helpers: MarkdownRendererHelpers) =>
        isGfmTable(node) ? gfmTable(node, helpers) : toHtml(node).replace(/\n/g, '&#10;'),
      // Tiptap's `start` splits the whole rest of the document into lines, at every paragraph:
      // quadratic in a long document. It only ever looks at the first two lines.
      ...(tokenizer ? { markdownTokenizer: { ...tokenizer, start: (src: string) => startOf(tokenizer, firstLines(src, 2)) } } : {}),
    })
  })
  const htmlTables = Extension.create({
    name: 'htmlTableBlock',
    markdownTokenName: 'html',
    // Only a block of HTML that is a table; any other HTML is left to the parser's own handling.
    parseMarkdown: (token) => {
      const html = typeof token.raw === 'string' ? token.raw : ''
      if (token.block !== true || !/^\s*<table[\s>]/i.test(html)) return []
      const nodes = fromHtml(html).filter((node) => node.type === 'table')
      return nodes
    },
  })
  return [...tables, htmlTables]
}
