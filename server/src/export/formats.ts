import { getSchema, getTextSerializersFromSchema, type AnyExtension, type JSONContent } from '@tiptap/core'
import { generateHTML, generateJSON } from '@tiptap/html/server'
import { MarkdownManager } from '@tiptap/markdown'
import { Node, type Schema } from '@tiptap/pm/model'
import { prosemirrorToYXmlFragment } from '@tiptap/y-tiptap'
import * as Y from 'yjs'
import { CONTENT_FIELD, type ExportFormat } from '@quire/shared'
import { documentExtensions, isAllowedLink } from '@quire/shared/schema'
import { ImportError } from './import-error.js'
import { rebuildTree } from './tree.js'
import { fragmentToJSON } from './y-to-json.js'

export type ImportFormat = 'markdown' | 'html'

export interface Exported {
  body: string
  contentType: string
  extension: string
}

const CONTENT_TYPES: Record<ExportFormat, { contentType: string; extension: string }> = {
  markdown: { contentType: 'text/markdown; charset=utf-8', extension: 'md' },
  html: { contentType: 'text/html; charset=utf-8', extension: 'html' },
  json: { contentType: 'application/json; charset=utf-8', extension: 'json' },
  text: { contentType: 'text/plain; charset=utf-8', extension: 'txt' },
}

/**
 * A document's content in and out of the formats people use: Markdown, HTML, ProseMirror JSON
 * and plain text, through the same Tiptap schema the editor uses. No browser DOM: HTML goes
 * through happy-dom with scripts off.
 */
export class DocumentFormats {
  readonly #extensions: AnyExtension[] = documentExtensions()
  readonly #schema: Schema = getSchema(this.#extensions)
  readonly #markdown = new MarkdownManager({ extensions: this.#extensions })
  readonly #textSerializers = getTextSerializersFromSchema(this.#schema)

  /** The content of `doc` as ProseMirror JSON, as the editor would show it. */
  toJSON(doc: Y.Doc): JSONContent {
    return fragmentToJSON(doc.getXmlFragment(CONTENT_FIELD), this.#schema)
  }

  export(doc: Y.Doc, format: ExportFormat, title: string): Exported {
    const json = this.toJSON(doc)
    return { ...CONTENT_TYPES[format], body: this.#render(json, format, title) }
  }

  #render(json: JSONContent, format: ExportFormat, title: string): string {
    switch (format) {
      case 'json':
        return JSON.stringify(json)
      case 'markdown':
        return this.#markdown.serialize(json)
      case 'text':
        return this.#plainText(Node.fromJSON(this.#schema, json))
      case 'html':
        return htmlPage(title, generateHTML(json, this.#extensions))
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
    return this.#blocks(doc).map((lines) => lines.join('\n')).join('\n\n') + '\n'
  }

  /** For each top-level block, the text of the textblocks in it. */
  #blocks(doc: Node): string[][] {
    const leafText = (leaf: Node) =>
      this.#textSerializers[leaf.type.name]?.({ node: leaf, pos: 0, parent: leaf, index: 0, range: { from: 0, to: 0 } }) ?? ''
    const blocks: string[][] = []
    doc.forEach((top) => {
      const lines: string[] = []
      const add = (node: Node) => lines.push(node.textBetween(0, node.content.size, '', leafText))
      if (top.isTextblock) add(top)
      else top.descendants((node) => (node.isTextblock ? (add(node), false) : true))
      if (lines.length > 0) blocks.push(lines)
    })
    return blocks
  }

  /**
   * Parses imported content into JSON the schema accepts: nodes and marks it does not know
   * are dropped, and links that are not http, https or mailto lose their link.
   */
  parse(content: string, format: ImportFormat): JSONContent {
    let json: JSONContent
    try {
      json = format === 'markdown' ? this.#markdown.parse(content) : generateJSON(content, this.#extensions)
    } catch (error) {
      throw new ImportError(`the ${format} content could not be read (${error instanceof Error ? error.message : 'unknown error'})`)
    }
    const sanitized = sanitize(json, this.#schema)
    try {
      Node.fromJSON(this.#schema, sanitized).check()
    } catch {
      throw new ImportError(`the ${format} content does not make a valid document`)
    }
    return sanitized
  }

  /** Writes `json` into the editor's fragment of `doc`, as real Yjs content. */
  fill(doc: Y.Doc, json: JSONContent): void {
    prosemirrorToYXmlFragment(Node.fromJSON(this.#schema, json), doc.getXmlFragment(CONTENT_FIELD))
  }
}

/** Keeps the nodes and marks the schema knows, and only links to http, https or mailto. */
function sanitize(json: JSONContent, schema: Schema): JSONContent {
  const content = rebuildTree<JSONContent>(json.content ?? [], (node) => {
    if (typeof node?.type !== 'string') return undefined
    if (node.type === 'text') {
      if (typeof node.text !== 'string' || node.text === '') return undefined
      const marks = (node.marks ?? []).filter(
        (mark) => schema.marks[mark.type] !== undefined && (mark.type !== 'link' || isAllowedLink(mark.attrs?.href)),
      )
      return { nodes: [marks.length > 0 ? { type: 'text', text: node.text, marks } : { type: 'text', text: node.text }] }
    }
    if (!schema.nodes[node.type]) return { unwrap: node.content ?? [] }
    return { node: node.attrs ? { type: node.type, attrs: node.attrs } : { type: node.type }, children: node.content }
  })
  return { type: 'doc', content }
}

function htmlPage(title: string, body: string): string {
  const escaped = title.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)
  return `<!doctype html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>${escaped}</title>\n</head>\n<body>\n${body}\n</body>\n</html>\n`
}
