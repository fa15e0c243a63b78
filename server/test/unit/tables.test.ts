import type { JSONContent } from '@tiptap/core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CONTENT_FIELD } from '@quire/shared'
import { DocumentFormats } from '../../src/export/formats.js'

const formats = new DocumentFormats()
const text = (value: string, ...marks: string[]): JSONContent =>
  marks.length > 0 ? { type: 'text', text: value, marks: marks.map((type) => ({ type })) } : { type: 'text', text: value }
const paragraph = (...content: JSONContent[]): JSONContent => ({ type: 'paragraph', content })
const cell = (type: 'tableHeader' | 'tableCell', content: JSONContent[], attrs?: Record<string, unknown>): JSONContent => ({
  type,
  attrs: { colspan: 1, rowspan: 1, colwidth: null, align: null, ...attrs },
  content,
})
const row = (...cells: JSONContent[]): JSONContent => ({ type: 'tableRow', content: cells })
const table = (...rows: JSONContent[]): JSONContent => ({ type: 'table', content: rows })

function docOf(content: JSONContent[]): Y.Doc {
  const doc = new Y.Doc()
  formats.fill(doc, { type: 'doc', content })
  return doc
}

/** What the editor holds after `json` went in: the JSON export, with the schema's defaults filled in. */
const stored = (content: JSONContent[]) => JSON.parse(formats.export(docOf(content), 'json', '').body).content as JSONContent[]

/** A column's alignment is the column's: GFM says it once, for every cell below. */
const plan = table(
  row(cell('tableHeader', [paragraph(text('Owner'))]), cell('tableHeader', [paragraph(text('Task'))], { align: 'center' })),
  row(
    cell('tableCell', [paragraph(text('Ana'))]),
    cell('tableCell', [paragraph(text('Budget', 'bold'), text(' a|b '), text('x|y', 'code'))], { align: 'center' }),
  ),
  row(cell('tableCell', [paragraph()]), cell('tableCell', [paragraph(text('Hiring', 'italic'))], { align: 'center' })),
)

describe('tables in Markdown', () => {
  it('writes a table GFM can hold as a GFM table, and reads it back the same', () => {
    const markdown = formats.export(docOf([plan]), 'markdown', '').body
    expect(markdown.split('\n')).toEqual(['| Owner | Task |', '| --- | :-: |', '| Ana | **Budget** a\\|b `x\\|y` |', '|  | *Hiring* |'])
    expect(stored(formats.parse(markdown, 'markdown', 128).content!)).toEqual(stored([plan]))
  })

  it('writes a table GFM cannot hold (no header row, a list, merged cells, a code block) as HTML, and reads it back the same', () => {
    const rich = table(
      row(cell('tableCell', [{ type: 'bulletList', content: [{ type: 'listItem', content: [paragraph(text('one'))] }] }], { colspan: 2 })),
      row(
        cell('tableCell', [{ type: 'codeBlock', attrs: { language: null }, content: [text('a\n\nb')] }]),
        cell('tableCell', [paragraph(text('first')), paragraph(text('second'))]),
      ),
    )
    const markdown = formats.export(docOf([paragraph(text('Before.')), rich, paragraph(text('After.'))]), 'markdown', '').body
    const lines = markdown.split('\n')
    expect(lines[2]).toMatch(/^<table[^]*<\/table>$/)
    expect(lines).toHaveLength(5)
    expect(stored(formats.parse(markdown, 'markdown', 128).content!)).toEqual(stored([paragraph(text('Before.')), rich, paragraph(text('After.'))]))
  })

  it('reads a GFM table typed by hand, and an HTML table between Markdown paragraphs', () => {
    const typed = formats.parse('Intro\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n<table><tr><th>x</th></tr><tr><td>y</td></tr></table>\n', 'markdown', 128)
    const tables = typed.content!.filter((node) => node.type === 'table')
    expect(tables).toHaveLength(2)
    expect(formats.export(docOf(typed.content!), 'text', '').body).toBe('Intro\n\na\tb\n1\t2\n\nx\ny\n')
    expect(tables[0]!.content![0]!.content![1]!.attrs).toMatchObject({ align: 'right' })
  })
})

describe('tables in HTML', () => {
  it('imports an HTML table with its header row, and exports it as HTML and as a GFM table', () => {
    const html = '<table><thead><tr><th>Name</th><th>Role</th></tr></thead><tbody><tr><td>Ana</td><td><b>Lead</b></td></tr></tbody></table>'
    const json = formats.parse(html, 'html', 128)
    const doc = docOf(json.content!)
    expect(formats.export(doc, 'markdown', '').body).toBe('| Name | Role |\n| --- | --- |\n| Ana | **Lead** |')
    const page = formats.export(doc, 'html', 'Team').body
    expect(page).toMatch(/<th[^>]*><p>Name<\/p><\/th>/)
    expect(page).toMatch(/<td[^>]*><p><strong>Lead<\/strong><\/p><\/td>/)
    expect(stored(formats.parse(page, 'html', 128).content!)).toEqual(stored(json.content!))
  })

  it('drops cell attributes a raw client could abuse (huge spans, widths that are not numbers, unknown alignments)', () => {
    const doc = new Y.Doc()
    const fragment = doc.getXmlFragment(CONTENT_FIELD)
    const tableElement = new Y.XmlElement('table')
    const rowElement = new Y.XmlElement('tableRow')
    const cellElement = new Y.XmlElement('tableCell')
    cellElement.setAttribute('colspan', 1e9 as unknown as string)
    cellElement.setAttribute('colwidth', ['x'] as unknown as string)
    cellElement.setAttribute('align', 'javascript:' as unknown as string)
    cellElement.setAttribute('onclick', 'alert(1)')
    const cellParagraph = new Y.XmlElement('paragraph')
    cellParagraph.insert(0, [new Y.XmlText('cell')])
    cellElement.insert(0, [cellParagraph])
    rowElement.insert(0, [cellElement])
    tableElement.insert(0, [rowElement])
    fragment.insert(0, [tableElement])
    const json = JSON.parse(formats.export(doc, 'json', '').body) as JSONContent
    expect(json.content![0]!.content![0]!.content![0]).toEqual({ type: 'tableCell', content: [paragraph(text('cell'))] })
    expect(formats.export(doc, 'html', '').body).not.toMatch(/onclick|javascript|1000000000/)
  })
})
