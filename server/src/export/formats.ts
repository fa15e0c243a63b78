import { getSchema, getTextSerializersFromSchema, type AnyExtension, type JSONContent, type Mark } from '@tiptap/core'
import { generateHTML, generateJSON } from '@tiptap/html/server'
import { boundedMarkdown } from './markdown.js'
import { markdownTables } from './markdown-tables.js'
import { toDocx } from './docx.js'
import { imagesInMarkdown, inlineImages, NO_FILES, type DocFiles } from './inline-images.js'
import { Node, type Schema } from '@tiptap/pm/model'
import { prosemirrorToYXmlFragment } from '@tiptap/y-tiptap'
import * as Y from 'yjs'
import { CONTENT_FIELD, type ExportFormat } from '@quire/shared'
import { documentExtensions } from '@quire/shared/schema'
import { ImportError } from './import-error.js'
import { sanitizeDoc } from './sanitize.js'
import { fragmentToJSON } from './y-to-json.js'

export type ImportFormat = 'markdown' | 'html'

/** The formats written as text (a Word file is bytes, and is written asynchronously). */
export type TextFormat = Exclude<ExportFormat, 'docx'>

export interface Exported {
  body: string | Uint8Array
  contentType: string
  extension: string
}

const CONTENT_TYPES: Record<ExportFormat, { contentType: string; extension: string }> = {
  markdown: { contentType: 'text/markdown; charset=utf-8', extension: 'md' },
  html: { contentType: 'text/html; charset=utf-8', extension: 'html' },
  json: { contentType: 'application/json; charset=utf-8', extension: 'json' },
  text: { contentType: 'text/plain; charset=utf-8', extension: 'txt' },
  docx: { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extension: 'docx' },
}

/**
 * A document's content in and out of the formats people use: Markdown, HTML, ProseMirror JSON
 * and plain text, through the same Tiptap schema the editor uses. No browser DOM: HTML goes
 * through happy-dom with scripts off.
 */
export class DocumentFormats {
  readonly #extensions: AnyExtension[] = documentExtensions()
  readonly #schema: Schema = getSchema(this.#extensions)
  /** The files of the export being rendered (a Markdown render is synchronous). */
  #files: DocFiles = NO_FILES
  readonly #markdown = boundedMarkdown(
    markdownTables(
      imagesInMarkdown(markdownExtensions(this.#extensions), () => this.#files),
      (table) => inlineImages(generateHTML({ type: 'doc', content: [table] }, this.#extensions), this.#files),
      (html) => generateJSON(html, this.#extensions).content ?? [],
    ),
  )
  readonly #textSerializers = getTextSerializersFromSchema(this.#schema)

  /**
   * The content of `doc` as ProseMirror JSON, as the editor would show it, with the rules an
   * import follows: a raw client may have written attributes or links no editor would.
   */
  toJSON(doc: Y.Doc): JSONContent {
    return sanitizeDoc(fragmentToJSON(doc.getXmlFragment(CONTENT_FIELD), this.#schema), this.#schema).doc
  }

  /** `doc` in a text format; `files` are the document's files, which images put inline. */
  export(doc: Y.Doc, format: TextFormat, title: string, files: DocFiles = NO_FILES): Exported & { body: string } {
    const json = this.toJSON(doc)
    this.#files = files
    try {
      return { ...CONTENT_TYPES[format], body: this.#render(json, format, title) }
    } finally {
      this.#files = NO_FILES
    }
  }

  /**
   * Any format, the Word file included. The content is read from `doc` before this returns,
   * so the caller may destroy `doc` without waiting.
   */
  exportAny(doc: Y.Doc, format: ExportFormat, title: string, files: DocFiles = NO_FILES): Promise<Exported> {
    if (format !== 'docx') return Promise.resolve(this.export(doc, format, title, files))
    const json = this.toJSON(doc)
    return toDocx(json, title, files).then((body) => ({ ...CONTENT_TYPES.docx, body }))
  }

  #render(json: JSONContent, format: TextFormat, title: string): string {
    switch (format) {
      case 'json':
        return JSON.stringify(json)
      case 'markdown':
        return this.#markdown.serialize(withTitleHeading(json, title))
      case 'text':
        return this.#plainText(Node.fromJSON(this.#schema, json))
      case 'html':
        return htmlPage(title, inlineImages(generateHTML(json, this.#extensions), this.#files))
    }
  }

  /** The text of every block (paragraph, heading, list item…), in order: what a diff compares. */
  textBlocks(doc: Y.Doc): string[] {
    return this.#blocks(Node.fromJSON(this.#schema, this.toJSON(doc))).flat()
  }

  /**
   * Plain text: top-level blocks apart by a blank line, the lines inside one (list items,
   * quoted paragraphs) by a newline, hard breaks as newlines.
   */
  #plainText(doc: Node): string {
    return (
      this.#blocks(doc)
        .map((lines) => lines.join('\n'))
        .join('\n\n') + '\n'
    )
  }

  /** For each top-level block, the text of the textblocks in it. */
  #blocks(doc: Node): string[][] {
    const leafText = (leaf: Node) => this.#textSerializers[leaf.type.name]?.({ node: leaf, pos: 0, parent: leaf, index: 0, range: { from: 0, to: 0 } }) ?? ''
    const blocks: string[][] = []
    doc.forEach((top) => {
      const lines: string[] = []
      const textOf = (node: Node) => node.textBetween(0, node.content.size, '', leafText)
      const add = (node: Node) => lines.push(textOf(node))
      if (top.isTextblock) add(top)
      // A table row is one line, its cells apart by a tab (as a spreadsheet pastes them).
      else if (top.type.name === 'table') top.forEach((row) => lines.push(cellTexts(row, textOf).join('\t')))
      else top.descendants((node) => (node.isTextblock ? (add(node), false) : true))
      if (lines.length > 0) blocks.push(lines)
    })
    return blocks
  }

  /**
   * Parses imported content into JSON the schema accepts: nodes, marks and attributes it does
   * not know are dropped, and links that are not http, https or mailto lose their link.
   * Content nested deeper than `maxDepth` is refused, as a live update would be.
   */
  parse(content: string, format: ImportFormat, maxDepth: number): JSONContent {
    let json: JSONContent
    try {
      json = format === 'markdown' ? this.#markdown.parse(content) : generateJSON(content, this.#extensions)
    } catch (error) {
      // The parsers recurse: content nested thousands deep overflows the stack.
      if (error instanceof RangeError) throw new ImportError(`the ${format} content nests too deeply (at most ${maxDepth} levels)`)
      throw new ImportError(`the ${format} content could not be read (${error instanceof Error ? error.message : 'unknown error'})`)
    }
    const { doc, depth } = sanitizeDoc(json, this.#schema)
    if (depth > maxDepth) throw new ImportError(`the ${format} content nests ${depth} levels deep (at most ${maxDepth})`)
    try {
      Node.fromJSON(this.#schema, doc).check()
    } catch {
      throw new ImportError(`the ${format} content does not make a valid document`)
    }
    return doc
  }

  /** Writes `json` into the editor's fragment of `doc`, as real Yjs content. */
  fill(doc: Y.Doc, json: JSONContent): void {
    prosemirrorToYXmlFragment(Node.fromJSON(this.#schema, json), doc.getXmlFragment(CONTENT_FIELD))
  }
}

/** The text of each cell of a table row, its blocks joined by a space. */
function cellTexts(row: Node, textOf: (node: Node) => string): string[] {
  const cells: string[] = []
  row.forEach((cell) => {
    const parts: string[] = []
    cell.descendants((node) => (node.isTextblock ? (parts.push(textOf(node)), false) : true))
    cells.push(parts.join(' '))
  })
  return cells
}

/** Underlined text in Markdown: HTML's `<u>…</u>`, or Tiptap's own `++…++` on import. */
const UNDERLINE_MARKDOWN = /^(?:<u>([\s\S]+?)<\/u>|\+\+([\s\S]+?)\+\+)/

/**
 * The schema's extensions as Markdown writes them. Markdown has no underline (Tiptap's `++text++`
 * is no Markdown reader's): underlined text is written as HTML's `<u>`, which Markdown allows
 * inline, and read back as underline.
 */
function markdownExtensions(extensions: AnyExtension[]): AnyExtension[] {
  const underlineAsHtml = (extension: AnyExtension): AnyExtension =>
    extension.name === 'underline'
      ? (extension as Mark).extend({
          renderMarkdown: (node, helpers) => `<u>${helpers.renderChildren(node)}</u>`,
          markdownTokenizer: {
            name: 'underline',
            level: 'inline',
            start(src) {
              const found = [src.indexOf('<u>'), src.indexOf('++')].filter((index) => index >= 0)
              return found.length > 0 ? Math.min(...found) : -1
            },
            tokenize(src, _tokens, lexer) {
              const match = UNDERLINE_MARKDOWN.exec(src)
              if (!match) return undefined
              const text = (match[1] ?? match[2] ?? '').trim()
              return { type: 'underline', raw: match[0], text, tokens: lexer.inlineTokens(text) }
            },
          },
        })
      : extension
  return extensions.map((extension) =>
    extension.name === 'starterKit'
      ? extension.extend({
          addExtensions() {
            return (this.parent?.() ?? []).map(underlineAsHtml)
          },
        })
      : underlineAsHtml(extension),
  )
}

/**
 * The document with its title on top as a heading, so a Markdown file says what it is. Not
 * when there is no title, nor when the text already starts with that heading.
 */
function withTitleHeading(json: JSONContent, title: string): JSONContent {
  const text = title.trim()
  if (!text) return json
  const first = json.content?.[0]
  const firstText = first?.content?.map((node) => node.text ?? '').join('')
  if (first?.type === 'heading' && first.attrs?.level === 1 && firstText?.trim() === text) return json
  const heading: JSONContent = { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text }] }
  return { ...json, content: [heading, ...(json.content ?? [])] }
}

function htmlPage(title: string, body: string): string {
  const escaped = title.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)
  return `<!doctype html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>${escaped}</title>\n</head>\n<body>\n${body}\n</body>\n</html>\n`
}
