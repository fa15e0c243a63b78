// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { DiffBlock } from '@quire/shared'
import { blockKinds, type BlockKind } from '../src/ui/block-kinds.js'
import { countChanges, renderDiff } from '../src/ui/diff-view.js'

const blocks: DiffBlock[] = [
  { op: 'same', text: 'Intro' },
  {
    op: 'changed',
    words: [
      { op: 'same', text: 'The ' },
      { op: 'removed', text: 'quick' },
      { op: 'added', text: 'slow' },
      { op: 'same', text: ' fox' },
    ],
  },
  { op: 'removed', text: 'Gone since' },
  { op: 'added', text: 'New since' },
]

/** Each block as markup, to see exactly which element holds which text. */
const markup = (elements: HTMLElement[]) => elements.map((element) => element.outerHTML)

describe('a version’s text with what changed since', () => {
  it('marks removed and added words and blocks with <del> and <ins>', () => {
    expect(markup(renderDiff(blocks, true))).toEqual([
      '<p class="diff__block diff__block--same">Intro</p>',
      '<p class="diff__block diff__block--changed">The <del>quick</del><ins>slow</ins> fox</p>',
      '<p class="diff__block diff__block--removed"><del>Gone since</del></p>',
      '<p class="diff__block diff__block--added"><ins>New since</ins></p>',
    ])
  })

  it('shows the version alone without the highlights: nothing added since, nothing marked', () => {
    const elements = renderDiff(blocks, false)
    expect(elements.map((element) => element.textContent)).toEqual(['Intro', 'The quick fox', 'Gone since'])
    expect(elements.every((element) => element.querySelector('ins, del') === null)).toBe(true)
  })

  it('sets what people wrote as text, never as markup', () => {
    const hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    const elements = renderDiff(
      [
        { op: 'added', text: hostile },
        {
          op: 'changed',
          words: [
            { op: 'removed', text: hostile },
            { op: 'same', text: '<b>kept</b>' },
          ],
        },
      ],
      true,
    )
    expect(elements.map((element) => element.textContent)).toEqual([hostile, `${hostile}<b>kept</b>`])
    expect(elements.some((element) => element.querySelector('img, script, b') !== null)).toBe(false)
  })

  it('counts the blocks that differ', () => {
    expect(countChanges(blocks)).toBe(3)
    expect(countChanges([{ op: 'same', text: 'x' }])).toBe(0)
  })
})

describe('a version’s blocks shown as what they are', () => {
  const kinds = (...types: BlockKind[]) => types
  const item = (list: string, listId: number, itemId: number): BlockKind['containers'] => [
    { id: listId, type: list },
    { id: itemId, type: 'listItem' },
  ]

  it('renders headings, list items, quotes and code from the kinds of the version and of now', () => {
    const structured: DiffBlock[] = [
      { op: 'same', text: 'Steps' },
      { op: 'same', text: 'one' },
      { op: 'added', text: 'one and a half' },
      { op: 'removed', text: 'two' },
      { op: 'same', text: 'let a = 1' },
    ]
    const version = kinds(
      { type: 'heading', level: 2, containers: [] },
      { type: 'paragraph', containers: item('bulletList', 1, 2) },
      { type: 'paragraph', containers: item('bulletList', 1, 3) },
      { type: 'codeBlock', containers: [] },
    )
    const current = kinds(
      { type: 'heading', level: 2, containers: [] },
      { type: 'paragraph', containers: item('bulletList', 1, 2) },
      { type: 'paragraph', containers: item('bulletList', 1, 3) },
      { type: 'codeBlock', containers: [] },
    )
    expect(markup(renderDiff(structured, true, { version, current }))).toEqual([
      '<p class="diff__block diff__block--same diff__heading diff__heading--2">Steps</p>',
      '<ul class="diff__list"><li><p class="diff__block diff__block--same">one</p></li>' +
        '<li><p class="diff__block diff__block--added"><ins>one and a half</ins></p></li>' +
        '<li><p class="diff__block diff__block--removed"><del>two</del></p></li></ul>',
      '<pre class="diff__block diff__block--same diff__code">let a = 1</pre>',
    ])
    // The version alone: its own blocks, with their structure.
    expect(markup(renderDiff(structured, false, { version, current }))[1]).toBe(
      '<ul class="diff__list"><li><p class="diff__block">one</p></li><li><p class="diff__block">two</p></li></ul>',
    )
  })

  it('reads the kinds of a document’s text blocks in the order the server compares them', () => {
    const doc = {
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'Title' }] },
        { type: 'horizontalRule' },
        { type: 'taskList', content: [{ type: 'taskItem', attrs: { checked: true }, content: [{ type: 'paragraph' }] }] },
        { type: 'blockquote', content: [{ type: 'paragraph' }, { type: 'paragraph' }] },
      ],
    }
    const isTextblock = (type: string) => ['paragraph', 'heading', 'codeBlock'].includes(type)
    expect(blockKinds(doc, isTextblock)).toEqual([
      { type: 'heading', level: 1, containers: [] },
      {
        type: 'paragraph',
        containers: [
          { id: 1, type: 'taskList' },
          { id: 2, type: 'taskItem', checked: true },
        ],
      },
      { type: 'paragraph', containers: [{ id: 3, type: 'blockquote' }] },
      { type: 'paragraph', containers: [{ id: 3, type: 'blockquote' }] },
    ])
  })
})
