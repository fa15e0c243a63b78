import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  addReply,
  CommentError,
  CommentLimits,
  contentOf,
  createThread,
  deleteMessage,
  deleteThread,
  DocText,
  editMessage,
  readThreads,
  setResolved,
} from '@quire/shared/comments'

const author = { name: 'Ada', color: '#c33' }

/** A document of paragraphs, as the editor makes them. */
function docOf(...paragraphs: string[]): Y.Doc {
  const doc = new Y.Doc()
  doc.transact(() => {
    contentOf(doc).insert(
      0,
      paragraphs.map((text) => {
        const paragraph = new Y.XmlElement('paragraph')
        paragraph.insert(0, [new Y.XmlText(text)])
        return paragraph
      }),
    )
  })
  return doc
}

/** A thread on the `occurrence`-th copy of `quote`. */
function commentOn(doc: Y.Doc, quote: string, occurrence = 1, text = 'Why?'): string {
  const docText = new DocText(contentOf(doc))
  const range = docText.find(quote, occurrence)
  if (!range) throw new Error(`no ${quote}`)
  return createThread(doc, { anchor: docText.anchorOf(range)!, quote, author, text, now: 1 })
}

/** What the thread covers now, as text; null once its passage is deleted. */
function covered(doc: Y.Doc, id: string): string | null {
  const text = new DocText(contentOf(doc))
  const range = readThreads(doc, text).find((thread) => thread.id === id)!.range
  return range ? text.slice(range) : null
}

/** The first paragraph's text. */
const firstText = (doc: Y.Doc) => (contentOf(doc).get(0) as Y.XmlElement).get(0) as Y.XmlText

describe('comment anchors', () => {
  it('find the occurrence asked for, across paragraphs', () => {
    const doc = docOf('one two', 'two three')
    expect(covered(doc, commentOn(doc, 'two', 2))).toBe('two')
    const text = new DocText(contentOf(doc))
    expect(text.plain).toBe('one two\ntwo three')
    expect(text.find('two', 2)).toEqual({ from: 8, to: 11 })
    expect(text.find('two', 3)).toBeUndefined()
    expect(covered(doc, commentOn(doc, 'two\ntwo'))).toBe('two\ntwo')
  })

  it('keep what is typed just outside the passage outside, and what is typed inside inside', () => {
    const doc = docOf('say hello world')
    const id = commentOn(doc, 'hello')
    firstText(doc).insert(4, '>>')
    firstText(doc).insert(11, '<<')
    expect(firstText(doc).toString()).toBe('say >>hello<< world')
    expect(covered(doc, id)).toBe('hello')
    firstText(doc).insert(8, 'LL')
    expect(covered(doc, id)).toBe('heLLllo')
  })

  it('say "deleted" once the passage or its paragraph is gone, and keep the thread', () => {
    const doc = docOf('keep this', 'drop that')
    const inText = commentOn(doc, 'this')
    const inBlock = commentOn(doc, 'that')
    firstText(doc).delete(5, 4)
    contentOf(doc).delete(1, 1)
    expect(covered(doc, inText)).toBeNull()
    expect(covered(doc, inBlock)).toBeNull()
    expect(readThreads(doc)).toHaveLength(2)
  })

  it('read anchors of bytes that are no position as deleted', () => {
    const doc = docOf('text')
    const id = createThread(doc, { anchor: { start: new Uint8Array([255, 1]), end: new Uint8Array() }, quote: 'x', author, text: 'hi', now: 1 })
    expect(covered(doc, id)).toBeNull()
  })

  it('cover the same text on every copy after concurrent edits, or are deleted on every copy', () => {
    const edit = fc.record({
      client: fc.nat(2),
      kind: fc.constantFrom('insert', 'delete', 'drop-paragraph', 'sync'),
      at: fc.nat(60),
      length: fc.integer({ min: 1, max: 8 }),
      text: fc.string({ minLength: 1, maxLength: 4 }),
    })
    fc.assert(
      fc.property(fc.nat(30), fc.integer({ min: 1, max: 12 }), fc.array(edit, { maxLength: 40 }), (from, length, edits) => {
        const origin = docOf('The quick brown fox', 'jumps over the lazy dog', 'and runs away')
        const copies = [0, 1, 2].map(() => {
          const copy = new Y.Doc()
          Y.applyUpdate(copy, Y.encodeStateAsUpdate(origin))
          return copy
        })
        const text = new DocText(contentOf(copies[0]!))
        const anchor = text.anchorOf({ from, to: Math.min(from + length, text.plain.length) })
        fc.pre(anchor !== undefined)
        const id = createThread(copies[0]!, { anchor: anchor!, quote: 'q', author, text: 'on this', now: 1 })
        for (const { client, kind, at, length: size, text: typed } of edits) {
          const doc = copies[client]!
          const paragraphs = contentOf(doc).toArray() as Y.XmlElement[]
          const paragraph = paragraphs[at % paragraphs.length]!
          const run = paragraph.get(0) as Y.XmlText | null
          if (kind === 'sync') {
            const other = copies[(client + 1) % copies.length]!
            Y.applyUpdate(other, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(other)))
          } else if (kind === 'insert' && run) run.insert(at % (run.length + 1), typed)
          else if (kind === 'delete' && run && run.length > 0) run.delete(at % run.length, Math.min(size, run.length - (at % run.length)))
          else if (kind === 'drop-paragraph' && paragraphs.length > 1) contentOf(doc).delete(at % paragraphs.length, 1)
        }
        for (const a of copies) for (const b of copies) Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)))
        const seen = copies.map((copy) => covered(copy, id))
        expect(new Set(seen).size).toBe(1)
        if (seen[0] !== null) expect(seen[0]!.length).toBeGreaterThan(0)
      }),
      { numRuns: 200, seed: 19 },
    )
  })
})

describe('comment threads', () => {
  it('hold replies, edits, deletions and resolution', () => {
    const doc = docOf('A plan')
    const id = commentOn(doc, 'plan', 1, 'Is this final?')
    const reply = addReply(doc, id, { author: { name: 'Bo', color: '#33c' }, text: '  Yes, @Ada  ', now: 2 })
    editMessage(doc, id, reply, 'Yes, final, @Ada', 3)
    setResolved(doc, id, true, { name: 'Bo', color: '#33c' }, 4)
    let [thread] = readThreads(doc)
    expect(thread).toMatchObject({ quote: 'plan', author: 'Ada', resolved: true, resolvedBy: 'Bo', resolvedAt: 4, range: { from: 2, to: 6 } })
    expect(thread!.messages.map(({ author: who, text, editedAt }) => [who, text, editedAt])).toEqual([
      ['Ada', 'Is this final?', null],
      ['Bo', 'Yes, final, @Ada', 3],
    ])
    deleteMessage(doc, id, reply)
    setResolved(doc, id, false, author, 5)
    ;[thread] = readThreads(doc)
    expect(thread!.messages[1]).toMatchObject({ deleted: true, text: '' })
    expect(thread!.resolved).toBe(false)
    deleteThread(doc, id)
    expect(readThreads(doc)).toEqual([])
  })

  it('refuse empty and long messages, and threads and replies past the limits', () => {
    const doc = docOf('text')
    const refusal = (act: () => unknown) => {
      try {
        act()
      } catch (error) {
        return error instanceof CommentError ? error.reason : error
      }
      return 'taken'
    }
    expect(refusal(() => commentOn(doc, 'text', 1, '   '))).toBe('empty')
    expect(refusal(() => commentOn(doc, 'text', 1, 'x'.repeat(CommentLimits.maxMessageLength + 1)))).toBe('too_long')
    const id = commentOn(doc, 'text')
    for (let i = 0; i < CommentLimits.maxReplies; i++) addReply(doc, id, { author, text: `reply ${i}`, now: 1 })
    expect(refusal(() => addReply(doc, id, { author, text: 'one more', now: 1 }))).toBe('too_many_replies')
    while (readThreads(doc).length < CommentLimits.maxThreads) commentOn(doc, 'text')
    expect(refusal(() => commentOn(doc, 'text'))).toBe('too_many_threads')
    expect(refusal(() => addReply(doc, 'missing', { author, text: 'hi', now: 1 }))).toBe('no_thread')
  })
})

describe('a restore', () => {
  it('brings back the threads a version had, on the restored text, and only those', async () => {
    const { restoreUpdates } = await import('../../src/versions/restore.js')
    const doc = docOf('First point.', 'Second point.')
    const kept = commentOn(doc, 'First', 1, 'Kept as it was.')
    const answered = commentOn(doc, 'Second', 1, 'Answered later.')
    const removed = commentOn(doc, 'point', 2, 'Deleted later.')
    const version = Y.encodeStateAsUpdate(doc)
    const then = readThreads(doc)

    addReply(doc, answered, { author, text: 'A later answer.', now: 5 })
    deleteThread(doc, removed)
    const added = commentOn(doc, 'point', 1, 'Added later.')
    contentOf(doc).delete(1, 1)
    const paragraph = new Y.XmlElement('paragraph')
    paragraph.insert(0, [new Y.XmlText('Second point, rewritten.')])
    contentOf(doc).insert(1, [paragraph])

    for (const update of restoreUpdates(doc, version).updates) Y.applyUpdate(doc, update)
    const now = readThreads(doc)
    expect(now.map(({ id }) => id).sort()).toEqual([kept, answered, removed].sort())
    expect(now.some(({ id }) => id === added)).toBe(false)
    for (const thread of then) {
      expect(covered(doc, thread.id)).toBe(thread.quote)
      expect(now.find(({ id }) => id === thread.id)!.messages.map(({ text }) => text)).toEqual(thread.messages.map(({ text }) => text))
    }
  })
})
