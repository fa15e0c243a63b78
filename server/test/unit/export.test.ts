import { getSchema, type JSONContent } from '@tiptap/core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CONTENT_FIELD } from '@quire/shared'
import { documentExtensions, isAllowedLink } from '@quire/shared/schema'
import { DocumentFormats } from '../../src/export/formats.js'
import { MAX_EXPORT_DEPTH, fragmentToJSON } from '../../src/export/y-to-json.js'
import { nestBlockquotes } from '../helpers/documents.js'

const schema = getSchema(documentExtensions())

function depthOf(node: { content?: unknown[] }): number {
  let depth = 0
  let level: { content?: unknown[] }[] = [node]
  while (level.length > 0) {
    depth++
    level = level.flatMap((n) => (n.content ?? []) as { content?: unknown[] }[])
  }
  return depth
}

describe('fragmentToJSON', () => {
  it('reads 20 000 nested elements without overflowing the stack, flattening past its depth', () => {
    const doc = new Y.Doc()
    nestBlockquotes(doc, 20_000)
    const json = fragmentToJSON(doc.getXmlFragment(CONTENT_FIELD), schema)
    expect(depthOf(json)).toBeLessThanOrEqual(MAX_EXPORT_DEPTH + 2)
    expect(JSON.stringify(json)).toContain('"deep"')
    const exported = new DocumentFormats().export(doc, 'markdown', 'Deep')
    expect(exported.body).toContain('deep')
  })

  it('keeps unknown elements’ content in place and drops unknown marks', () => {
    const doc = new Y.Doc()
    const fragment = doc.getXmlFragment(CONTENT_FIELD)
    const first = new Y.XmlElement('paragraph')
    first.insert(0, [new Y.XmlText('one')])
    const unknown = new Y.XmlElement('marquee')
    const inner = new Y.XmlElement('paragraph')
    const text = new Y.XmlText('two')
    text.format(0, 3, { bold: {}, blink: {} })
    inner.insert(0, [text])
    unknown.insert(0, [inner])
    const last = new Y.XmlElement('paragraph')
    last.insert(0, [new Y.XmlText('three')])
    fragment.insert(0, [first, unknown, last])
    expect(fragmentToJSON(fragment, schema).content).toEqual([
      { type: 'paragraph', content: [{ type: 'text', text: 'one' }] },
      { type: 'paragraph', content: [{ type: 'text', text: 'two', marks: [{ type: 'bold' }] }] },
      { type: 'paragraph', content: [{ type: 'text', text: 'three' }] },
    ])
  })
})

describe('Markdown export', () => {
  const formats = new DocumentFormats()
  const docOf = (content: JSONContent[]) => {
    const doc = new Y.Doc()
    formats.fill(doc, { type: 'doc', content })
    return doc
  }
  const paragraph = (...content: JSONContent[]): JSONContent => ({ type: 'paragraph', content })
  const text = (value: string, ...marks: string[]): JSONContent =>
    marks.length > 0 ? { type: 'text', text: value, marks: marks.map((type) => ({ type })) } : { type: 'text', text: value }

  it('puts the title on top as a heading, written as text (Markdown signs escaped)', () => {
    const doc = docOf([paragraph(text('The body.'))])
    expect(formats.export(doc, 'markdown', 'Plan').body).toBe('# Plan\n\nThe body.')
    expect(formats.export(doc, 'markdown', ' *Big* plan ').body).toBe('# \\*Big\\* plan\n\nThe body.')
  })

  it('leaves the title out when there is none, or when the text already starts with it', () => {
    expect(formats.export(docOf([paragraph(text('The body.'))]), 'markdown', '').body).toBe('The body.')
    const headed = docOf([{ type: 'heading', attrs: { level: 1 }, content: [text('Plan')] }, paragraph(text('The body.'))])
    expect(formats.export(headed, 'markdown', 'Plan').body).toBe('# Plan\n\nThe body.')
    // Only the title goes on top: the other formats carry it their own way (HTML's <title>) or not at all.
    expect(formats.export(docOf([paragraph(text('The body.'))]), 'text', 'Plan').body).toBe('The body.\n')
  })

  it('writes underline as HTML <u>, which Markdown allows, and reads it back (and Tiptap’s ++…++) as underline', () => {
    const doc = docOf([paragraph(text('plain '), text('under', 'underline'), text(' both', 'underline', 'bold'))])
    const markdown = formats.export(doc, 'markdown', '').body
    expect(markdown).toBe('plain <u>under **both**</u>')
    expect(markdown).not.toContain('++')
    expect(formats.parse('A <u>word</u> and ++old++ one.', 'markdown', 128).content).toEqual([
      paragraph(text('A '), text('word', 'underline'), text(' and '), text('old', 'underline'), text(' one.')),
    ])
  })
})

describe('isAllowedLink', () => {
  it.each([
    ['https://example.org', true],
    ['http://example.org/a?b', true],
    ['mailto:someone@example.org', true],
    ['javascript:alert(1)', false],
    [' JavaScript:alert(1)', false],
    ['data:text/html,<script>', false],
    ['/relative', false],
    [42, false],
  ])('%s → %s', (href, allowed) => {
    expect(isAllowedLink(href)).toBe(allowed)
  })
})

describe('exports', () => {
  /** What a raw client can write that no editor would: a script link, an event handler, a bad start. */
  function hostileDoc(): Y.Doc {
    const doc = new Y.Doc()
    const fragment = doc.getXmlFragment(CONTENT_FIELD)
    const paragraph = new Y.XmlElement('paragraph')
    paragraph.setAttribute('onclick', 'alert(1)')
    const text = new Y.XmlText()
    text.insert(0, 'click me', { link: { href: 'javascript:alert(1)' } })
    text.insert(8, ' and data', { link: { href: 'data:text/html,<script>alert(1)</script>' } })
    text.insert(17, ' and fine', { link: { href: 'https://example.org', onmouseover: 'alert(1)' } })
    paragraph.insert(0, [text])
    const list = new Y.XmlElement('orderedList')
    list.setAttribute('start', 'abc' as unknown as string)
    const item = new Y.XmlElement('listItem')
    const itemParagraph = new Y.XmlElement('paragraph')
    itemParagraph.insert(0, [new Y.XmlText('first')])
    item.insert(0, [itemParagraph])
    list.insert(0, [item])
    const heading = new Y.XmlElement('heading')
    heading.setAttribute('level', 99 as unknown as string)
    heading.insert(0, [new Y.XmlText('Title')])
    fragment.insert(0, [heading, paragraph, list])
    return doc
  }

  it('keep what an import would keep, whatever a raw client wrote', () => {
    const formats = new DocumentFormats()
    const doc = hostileDoc()
    const markdown = formats.export(doc, 'markdown', 'Hostile').body
    const json = formats.export(doc, 'json', 'Hostile').body
    const html = formats.export(doc, 'html', 'Hostile').body
    for (const body of [markdown, json, html]) {
      expect(body).not.toMatch(/javascript:|data:text|onclick|onmouseover|NaN/)
    }
    expect(markdown).toContain('[and fine](https://example.org)')
    expect(markdown).toContain('1. first')
    expect(JSON.parse(json).content[0]).toEqual({ type: 'heading', content: [{ type: 'text', text: 'Title' }] })
  })
})
