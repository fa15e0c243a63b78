import { describe, expect, it } from 'vitest'
import { absoluteTime, peopleList, relativeTime, versionHeading } from '../src/ui/version-words.js'

const now = new Date('2026-11-27T10:30:00Z')
const before = (ms: number) => new Date(now.getTime() - ms)
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

describe('relative time', () => {
  it('counts in the largest unit that fits, rounding down', () => {
    expect(relativeTime(before(10_000), now, 'en')).toBe('just now')
    expect(relativeTime(before(MINUTE), now, 'en')).toBe('1 minute ago')
    expect(relativeTime(before(59 * MINUTE + 59_000), now, 'en')).toBe('59 minutes ago')
    expect(relativeTime(before(HOUR), now, 'en')).toBe('1 hour ago')
    expect(relativeTime(before(5 * HOUR + 40 * MINUTE), now, 'en')).toBe('5 hours ago')
    expect(relativeTime(before(DAY), now, 'en')).toBe('yesterday')
    expect(relativeTime(before(3 * DAY), now, 'en')).toBe('3 days ago')
    expect(relativeTime(before(15 * DAY), now, 'en')).toBe('2 weeks ago')
    expect(relativeTime(before(95 * DAY), now, 'en')).toBe('3 months ago')
    expect(relativeTime(before(800 * DAY), now, 'en')).toBe('2 years ago')
  })

  it('calls a time ahead of the clock (a server clock a little ahead) just now', () => {
    expect(relativeTime(new Date(now.getTime() + 5 * MINUTE), now, 'en')).toBe('just now')
  })

  it('speaks the reader’s language', () => {
    expect(relativeTime(before(2 * HOUR), now, 'de')).toBe('vor 2 Stunden')
  })
})

describe('absolute time', () => {
  it('gives the date and the time in the reader’s conventions', () => {
    expect(absoluteTime(now, { locale: 'en-GB', timeZone: 'UTC' })).toBe('27 Nov 2026, 10:30')
    expect(absoluteTime(now, { locale: 'en-US', timeZone: 'America/New_York' })).toMatch(/^Nov 27, 2026, 5:30\sAM$/)
  })
})

describe('the people who changed a version', () => {
  it('lists a few names, then counts the others', () => {
    expect(peopleList(['Ada'], 'en')).toBe('Ada')
    expect(peopleList(['Ada', 'Grace'], 'en')).toBe('Ada and Grace')
    expect(peopleList(['Ada', 'Bob', 'Cy', 'Dee', 'Eve'], 'en')).toBe('Ada, Bob, Cy, Dee, and Eve')
    expect(peopleList(['Ada', 'Bob', 'Cy', 'Dee', 'Eve', 'Fay', 'Gus'], 'en')).toBe('Ada, Bob, Cy, Dee, and 3 others')
  })
})

describe('what a version is called', () => {
  it('by its number, its name, or the version it brought back, with a label for the last two', () => {
    expect(versionHeading({ v: 4, kind: 'auto', name: null, restoredFrom: null })).toEqual({ title: 'Version 4', label: null })
    expect(versionHeading({ v: 5, kind: 'named', name: 'Sent for review', restoredFrom: null })).toEqual({ title: 'Sent for review', label: 'Named' })
    expect(versionHeading({ v: 6, kind: 'restore', name: null, restoredFrom: 2 })).toEqual({ title: 'Version 2 restored', label: 'Restore' })
    expect(versionHeading({ v: 7, kind: 'restore', name: 'Back to the draft', restoredFrom: 2 })).toEqual({ title: 'Back to the draft', label: 'Restore' })
  })

  it('calls a restore after the name of the version it brought back, as the list calls that version', () => {
    const list = [
      { v: 1, kind: 'auto', name: null, restoredFrom: null },
      { v: 2, kind: 'named', name: 'Kickoff v1', restoredFrom: null },
    ] as const
    expect(versionHeading({ v: 3, kind: 'restore', name: null, restoredFrom: 2 }, list).title).toBe('Kickoff v1 restored')
    expect(versionHeading({ v: 4, kind: 'restore', name: null, restoredFrom: 1 }, list).title).toBe('Version 1 restored')
    // A version pruned from the list since: its number.
    expect(versionHeading({ v: 5, kind: 'restore', name: null, restoredFrom: 9 }, list).title).toBe('Version 9 restored')
  })
})
