// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { DiffBlock } from '@quire/shared'
import { countChanges, renderDiff } from '../src/ui/diff-view.js'

const blocks: DiffBlock[] = [
  { op: 'same', text: 'Intro' },
  { op: 'changed', words: [{ op: 'same', text: 'The ' }, { op: 'removed', text: 'quick' }, { op: 'added', text: 'slow' }, { op: 'same', text: ' fox' }] },
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
        { op: 'changed', words: [{ op: 'removed', text: hostile }, { op: 'same', text: '<b>kept</b>' }] },
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
