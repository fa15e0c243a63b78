import { describe, expect, it } from 'vitest'
import { mapPosition, textChange } from '../src/editor/text-change.js'

function apply(text: string, change: ReturnType<typeof textChange>): string {
  if (!change) return text
  return text.slice(0, change.index) + change.insert + text.slice(change.index + change.remove)
}

describe('textChange', () => {
  it('finds the single splice between two texts', () => {
    expect(textChange('Plans', 'Plans')).toBeUndefined()
    expect(textChange('Plans', 'Team plans', 5)).toEqual({ index: 0, remove: 1, insert: 'Team p' })
    expect(textChange('abc', 'abXc', 3)).toEqual({ index: 2, remove: 0, insert: 'X' })
    expect(textChange('abcdef', 'abef', 2)).toEqual({ index: 2, remove: 2, insert: '' })
  })

  it('uses the caret to place an insertion among repeated letters', () => {
    expect(textChange('aa', 'aaa', 1)).toEqual({ index: 0, remove: 0, insert: 'a' })
    expect(textChange('aa', 'aaa', 3)).toEqual({ index: 2, remove: 0, insert: 'a' })
  })

  it('always yields a splice that turns one text into the other', () => {
    const texts = ['', 'a', 'ab', 'abab', 'hello world', 'hello, world', 'world hello', 'aaa']
    for (const before of texts) {
      for (const after of texts) {
        for (let cursor = 0; cursor <= after.length; cursor++) {
          expect(apply(before, textChange(before, after, cursor))).toBe(after)
        }
      }
    }
  })
})

describe('mapPosition', () => {
  it('moves a caret with text inserted or deleted before it', () => {
    expect(mapPosition(3, [{ insert: 'ab' }])).toBe(5)
    expect(mapPosition(3, [{ retain: 3 }, { insert: 'ab' }])).toBe(3)
    expect(mapPosition(5, [{ retain: 1 }, { delete: 2 }])).toBe(3)
    expect(mapPosition(2, [{ retain: 1 }, { delete: 4 }])).toBe(1)
  })
})
