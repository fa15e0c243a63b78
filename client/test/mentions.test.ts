import { describe, expect, it } from 'vitest'
import { mentionParts } from '../src/ui/mentions.js'

describe('mentionParts', () => {
  it('marks a known name, spaces and all, and a bare @word', () => {
    expect(mentionParts('Ask @Bright Otter and @bo, please.', ['Bright Otter'])).toEqual([
      { text: 'Ask ', mention: false },
      { text: '@Bright Otter', mention: true },
      { text: ' and ', mention: false },
      { text: '@bo', mention: true },
      { text: ', please.', mention: false },
    ])
  })

  it('leaves e-mail addresses and plain text alone', () => {
    expect(mentionParts('Write to ada@example.org')).toEqual([{ text: 'Write to ada@example.org', mention: false }])
    expect(mentionParts('')).toEqual([])
  })

  it('treats names as text, not as patterns', () => {
    expect(mentionParts('@a.b* hi', ['a.b*'])).toEqual([
      { text: '@a.b*', mention: true },
      { text: ' hi', mention: false },
    ])
  })
})
