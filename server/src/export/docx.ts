import type { JSONContent } from '@tiptap/core'
import {
  AlignmentType,
  BorderStyle,
  Document,
  ExternalHyperlink,
  HeadingLevel,
  ImageRun,
  LevelFormat,
  Packer,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type ILevelsOptions,
  type IParagraphOptions,
  type ParagraphChild,
} from 'docx'
import { readImageHeader } from '../files/image-header.js'
import { NO_FILES, type DocFiles } from './inline-images.js'

const HEADINGS = [
  HeadingLevel.HEADING_1,
  HeadingLevel.HEADING_2,
  HeadingLevel.HEADING_3,
  HeadingLevel.HEADING_4,
  HeadingLevel.HEADING_5,
  HeadingLevel.HEADING_6,
]
const MONO = 'Courier New'
const CODE_SHADING = { type: ShadingType.CLEAR, color: 'auto', fill: 'F3F2EE' }
/** Word lists have nine levels; deeper items stay at the ninth. */
const LIST_LEVELS = 9
const INDENT_PER_LEVEL = 720

type Block = Paragraph | Table

/** The image types a Word file holds (WebP it does not). */
const WORD_IMAGE_TYPES: Record<string, 'png' | 'jpg' | 'gif' | undefined> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif' }
/** The text's width on an A4 or Letter page, in pixels at 96 per inch. */
const MAX_IMAGE_WIDTH = 600

/** Where a block sits: in how many lists and quotes, so its paragraphs get the right indent. */
interface Context {
  listLevel: number
  quoteLevel: number
}

/** The numbering of one ordered list (each list starts again at its own `start`). */
interface Numbering {
  reference: string
  levels: ILevelsOptions[]
}

/**
 * A document as a Word file (Office Open XML), built with the `docx` library from the same
 * sanitized ProseMirror JSON the other exports use: headings, paragraphs, marks, links, lists
 * (nested; tasks with a ☐ or ☒), quotes, code blocks, rules, tables and images.
 */
export async function toDocx(json: JSONContent, title: string, files: DocFiles = NO_FILES): Promise<Uint8Array> {
  const writer = new DocxWriter(files)
  const body = writer.blocks(json.content ?? [], { listLevel: -1, quoteLevel: 0 })
  const heading =
    title.trim() && !startsWithHeading(json, title.trim()) ? [new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(title.trim())] })] : []
  const document = new Document({
    title,
    creator: 'Quire',
    numbering: { config: [{ reference: 'bullets', levels: bulletLevels() }, ...writer.numberings] },
    sections: [{ children: [...heading, ...body] }],
  })
  return new Uint8Array(await Packer.toBuffer(document))
}

class DocxWriter {
  readonly numberings: Numbering[] = []
  readonly #files: DocFiles

  constructor(files: DocFiles) {
    this.#files = files
  }

  blocks(nodes: JSONContent[], context: Context): Block[] {
    return nodes.flatMap((node) => this.block(node, context))
  }

  block(node: JSONContent, context: Context): Block[] {
    const content = node.content ?? []
    const indent = this.#indent(context)
    switch (node.type) {
      case 'heading':
        return [new Paragraph({ heading: HEADINGS[Number(node.attrs?.level ?? 1) - 1] ?? HeadingLevel.HEADING_1, children: inline(content), ...indent })]
      case 'paragraph':
        return [new Paragraph({ children: inline(content), ...indent })]
      case 'blockquote':
        return this.blocks(content, { ...context, quoteLevel: context.quoteLevel + 1 })
      case 'codeBlock':
        return textOf(content)
          .split('\n')
          .map((line) => new Paragraph({ children: [new TextRun({ text: line, font: MONO })], shading: CODE_SHADING, ...indent }))
      case 'horizontalRule':
        return [new Paragraph({ border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: 'A0A0A0', space: 1 } }, ...indent })]
      case 'bulletList':
        return this.#list(content, context, () => ({ reference: 'bullets' }))
      case 'orderedList': {
        const reference = `numbers-${this.numberings.length}`
        this.numberings.push({ reference, levels: numberLevels(Number(node.attrs?.start ?? 1)) })
        return this.#list(content, context, () => ({ reference }))
      }
      case 'taskList':
        return this.#list(content, context, (item) => ({ box: item.attrs?.checked === true ? '☒' : '☐' }))
      case 'table':
        return [this.#table(node, context)]
      case 'image':
        return [this.#image(node, indent)]
      default:
        return this.blocks(content, context)
    }
  }

  /**
   * A list's items: the first paragraph of each carries the item's number, bullet or box, the
   * rest of the item (more paragraphs, nested lists) is indented under it.
   */
  #list(items: JSONContent[], context: Context, marker: (item: JSONContent) => { reference?: string; box?: string }): Block[] {
    const level = Math.min(context.listLevel + 1, LIST_LEVELS - 1)
    const inner = { ...context, listLevel: level }
    return items.flatMap((item) => {
      const [first, ...rest] = item.content ?? []
      const { reference, box } = marker(item)
      const children = [...(box ? [new TextRun(`${box} `)] : []), ...inline(first?.type === 'paragraph' ? (first.content ?? []) : [])]
      const lead = new Paragraph({
        children,
        ...(reference ? { numbering: { reference, level } } : this.#indent(inner)),
      })
      const more = first?.type === 'paragraph' ? rest : (item.content ?? [])
      return [lead, ...this.blocks(more, inner)]
    })
  }

  /** The image's bytes in the file, at its width (or its own, up to the page's), or its alt text where Word cannot show it (WebP). */
  #image(node: JSONContent, indent: Pick<IParagraphOptions, 'indent' | 'border'>): Paragraph {
    const file = this.#files.get(String(node.attrs?.file))
    const alt = String(node.attrs?.alt ?? '')
    const kind = file && WORD_IMAGE_TYPES[file.type]
    if (!file || !kind) return new Paragraph({ children: [new TextRun({ text: alt ? `[${alt}]` : '[image]', italics: true })], ...indent })
    const { width, height } = readImageHeader(file.bytes)
    const shown = Math.min(Number(node.attrs?.width ?? width), MAX_IMAGE_WIDTH)
    return new Paragraph({
      children: [
        new ImageRun({
          type: kind,
          data: file.bytes,
          transformation: { width: shown, height: Math.max(1, Math.round((height * shown) / width)) },
          altText: { name: alt || 'image', description: alt, title: alt },
        }),
      ],
      ...indent,
    })
  }

  #table(node: JSONContent, context: Context): Table {
    const cellContext = { listLevel: -1, quoteLevel: 0 }
    const rows = (node.content ?? []).map((row, index) => {
      const cells = row.content ?? []
      return new TableRow({
        tableHeader: index === 0 && cells.length > 0 && cells.every((cell) => cell.type === 'tableHeader'),
        children: cells.map((cell) => {
          const header = cell.type === 'tableHeader'
          const blocks = this.blocks(cell.content ?? [], cellContext)
          return new TableCell({
            columnSpan: Number(cell.attrs?.colspan ?? 1),
            rowSpan: Number(cell.attrs?.rowspan ?? 1),
            shading: header ? { type: ShadingType.CLEAR, color: 'auto', fill: 'F3F2EE' } : undefined,
            // A cell must end with a paragraph, even an empty one.
            children: blocks.length > 0 && blocks.at(-1) instanceof Paragraph ? blocks : [...blocks, new Paragraph({})],
          })
        }),
      })
    })
    return new Table({ rows, width: { size: 100, type: WidthType.PERCENTAGE }, indent: { size: this.#left(context), type: WidthType.DXA } })
  }

  #left({ listLevel, quoteLevel }: Context): number {
    return (listLevel + 1 + quoteLevel) * INDENT_PER_LEVEL
  }

  /** Quotes are indented with a rule on their left; list content under its item's text. */
  #indent(context: Context): Pick<IParagraphOptions, 'indent' | 'border'> {
    const left = this.#left(context)
    if (left === 0) return {}
    return {
      indent: { left },
      ...(context.quoteLevel > 0 ? { border: { left: { style: BorderStyle.SINGLE, size: 12, color: 'C8C4BA', space: 8 } } } : {}),
    }
  }
}

/** Text, with its marks and links, and hard breaks. */
function inline(nodes: JSONContent[]): ParagraphChild[] {
  return nodes.flatMap((node): ParagraphChild[] => {
    if (node.type === 'hardBreak') return [new TextRun({ text: '', break: 1 })]
    if (node.type !== 'text' || !node.text) return []
    const marks = new Map((node.marks ?? []).map((mark) => [mark.type, mark.attrs]))
    const href = marks.get('link')?.href
    const run = new TextRun({
      text: node.text,
      bold: marks.has('bold'),
      italics: marks.has('italic'),
      strike: marks.has('strike'),
      underline: marks.has('underline') || typeof href === 'string' ? {} : undefined,
      ...(marks.has('code') ? { font: MONO, shading: CODE_SHADING } : {}),
      ...(typeof href === 'string' ? { color: '2F5D50' } : {}),
    })
    return typeof href === 'string' ? [new ExternalHyperlink({ link: href, children: [run] })] : [run]
  })
}

/** Whether the text already starts with the title as its first heading (then it is not repeated). */
function startsWithHeading(json: JSONContent, title: string): boolean {
  const first = json.content?.[0]
  return first?.type === 'heading' && first.attrs?.level === 1 && textOf(first.content ?? []).trim() === title
}

function textOf(nodes: JSONContent[]): string {
  return nodes.map((node) => (node.type === 'hardBreak' ? '\n' : (node.text ?? ''))).join('')
}

function bulletLevels(): ILevelsOptions[] {
  const bullets = ['•', '◦', '▪']
  return Array.from({ length: LIST_LEVELS }, (_, level) => ({
    level,
    format: LevelFormat.BULLET,
    text: bullets[level % bullets.length]!,
    alignment: AlignmentType.LEFT,
    style: { paragraph: { indent: { left: INDENT_PER_LEVEL * (level + 1), hanging: 360 } } },
  }))
}

function numberLevels(start: number): ILevelsOptions[] {
  const formats = [LevelFormat.DECIMAL, LevelFormat.LOWER_LETTER, LevelFormat.LOWER_ROMAN]
  return Array.from({ length: LIST_LEVELS }, (_, level) => ({
    level,
    format: formats[level % formats.length]!,
    text: `%${level + 1}.`,
    start,
    alignment: AlignmentType.LEFT,
    style: { paragraph: { indent: { left: INDENT_PER_LEVEL * (level + 1), hanging: 360 } } },
  }))
}
