import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { VersionInfo } from '@quire/shared'
import { diffBlocks } from '../../src/versions/diff.js'
import { restoreUpdates } from '../../src/versions/restore.js'
import { versionsToPrune } from '../../src/versions/retention.js'

const HOUR = 3600_000
const DAY = 24 * HOUR
const now = Date.parse('2026-06-15T12:00:00.000Z')

function version(v: number, ageMs: number, kind: VersionInfo['kind'] = 'auto'): VersionInfo {
  return { v, createdAt: new Date(now - ageMs).toISOString(), authors: [], name: kind === 'named' ? `v${v}` : null, kind, restoredFrom: null, bytes: 1 }
}

describe('versionsToPrune', () => {
  const policy = { keepAllForMs: DAY, keepHourlyForMs: 30 * DAY, keepDailyForMs: Infinity }

  it('keeps every version of the last day, the newest of each hour for a month, then the newest of each day', () => {
    const versions = [
      // Today: all kept.
      version(20, 10 * 60_000),
      version(19, 20 * 60_000),
      // Three days ago, within one hour: only the newest stays.
      version(18, 3 * DAY + 10 * 60_000),
      version(17, 3 * DAY + 20 * 60_000),
      version(16, 3 * DAY + 30 * 60_000),
      // Two months ago, on one day: only the newest stays.
      version(15, 60 * DAY + 2 * HOUR),
      version(14, 60 * DAY + 3 * HOUR),
    ]
    // Buckets are whole hours and days: pick ages that do not straddle one.
    const pruned = versionsToPrune(versions, now, policy)
    expect(pruned).toEqual([14, 16, 17])
  })

  it('lets the newest version hold its hour, so an older one of the same hour goes', () => {
    const versions = [version(1, 2 * HOUR + 10 * 60_000), version(2, 2 * HOUR + 5 * 60_000)]
    expect(versionsToPrune(versions, now, { keepAllForMs: 0, keepHourlyForMs: DAY, keepDailyForMs: Infinity })).toEqual([1])
  })

  it('never prunes named versions, restores, or the newest version', () => {
    const versions = [version(1, 90 * DAY, 'named'), version(2, 90 * DAY, 'restore'), version(3, 90 * DAY + HOUR), version(4, 90 * DAY + 2 * HOUR)]
    expect(versionsToPrune(versions, now, { keepAllForMs: 0, keepHourlyForMs: 0, keepDailyForMs: 0 })).toEqual([3])
  })
})

describe('diffBlocks', () => {
  it('shows blocks added and removed, and words changed inside a block', () => {
    expect(diffBlocks(['Title', 'The quick fox', 'Gone'], ['Title', 'The slow fox', 'New'])).toEqual([
      { op: 'same', text: 'Title' },
      {
        op: 'changed',
        words: [
          { op: 'same', text: 'The ' },
          { op: 'removed', text: 'quick' },
          { op: 'added', text: 'slow' },
          { op: 'same', text: ' fox' },
        ],
      },
      {
        op: 'changed',
        words: [
          { op: 'removed', text: 'Gone' },
          { op: 'added', text: 'New' },
        ],
      },
    ])
    expect(diffBlocks(['a'], ['a', 'b'])).toEqual([
      { op: 'same', text: 'a' },
      { op: 'added', text: 'b' },
    ])
    expect(diffBlocks(['a', 'b'], ['b'])).toEqual([
      { op: 'removed', text: 'a' },
      { op: 'same', text: 'b' },
    ])
  })
})

describe('restoreUpdates', () => {
  it('makes the current document hold the version, as a change on top of it that merges with concurrent edits', () => {
    const doc = new Y.Doc()
    const paragraph = (text: string) => {
      const element = new Y.XmlElement('paragraph')
      element.insert(0, [new Y.XmlText(text)])
      return element
    }
    doc.getText('title').insert(0, 'Old title')
    doc.getXmlFragment('default').insert(0, [paragraph('old text')])
    const then = Y.encodeStateAsUpdate(doc)
    doc.getText('title').delete(0, 3)
    doc.getXmlFragment('default').insert(1, [paragraph('newer text')])

    // An offline copy edits concurrently, then both meet.
    const offline = new Y.Doc()
    // Concurrent inserts at one place are ordered by client id; the lowest id puts the offline
    // paragraph first, whatever random id the restore's scratch document drew.
    offline.clientID = 1
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(doc))
    offline.getXmlFragment('default').insert(0, [paragraph('offline edit')])

    for (const update of restoreUpdates(doc, then).updates) Y.applyUpdate(doc, update)
    expect(doc.getText('title').toString()).toBe('Old title')
    expect(doc.getXmlFragment('default').toString()).toBe('<paragraph>old text</paragraph>')

    Y.applyUpdate(doc, Y.encodeStateAsUpdate(offline))
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(doc))
    expect(offline.getXmlFragment('default').toString()).toBe(doc.getXmlFragment('default').toString())
    expect(doc.getXmlFragment('default').toString()).toBe('<paragraph>offline edit</paragraph><paragraph>old text</paragraph>')
  })
})
