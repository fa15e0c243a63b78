/**
 * Bringing back the comments of a version, after its text was brought back: the threads become
 * the version's, each anchored on the same stretch of the restored text (the restored text is
 * the version's, so the version's plain-text range finds it). Threads that did not change stay
 * as they are, so a restore costs what it changes.
 */
import * as Y from 'yjs'
import { contentOf, DocText, type TextRange } from './comment-anchors.js'
import { commentsOf, readThreads, type CommentMessage, type CommentThread } from './comment-threads.js'

/** A thread as a version had it: what `readThreads` gives, or the JSON export's (times as text). */
export type VersionThread = Omit<CommentThread, 'anchor' | 'createdAt' | 'resolvedAt' | 'messages'> & {
  createdAt: number | string
  resolvedAt: number | string | null
  messages: (Omit<CommentMessage, 'createdAt' | 'editedAt'> & { createdAt: number | string; editedAt: number | string | null })[]
}

const ms = (time: number | string): number => (typeof time === 'number' ? time : Date.parse(time) || 0)

/** What a reader sees of a thread, to tell whether it changed. */
function signature(thread: VersionThread, covered: string | null): string {
  const { id, quote, author, color, resolved, resolvedBy, messages } = thread
  const said = messages.map((message) => [
    message.id,
    message.author,
    message.text,
    message.deleted,
    ms(message.createdAt),
    message.editedAt && ms(message.editedAt),
  ])
  return JSON.stringify([id, quote, author, color, resolved, resolvedBy, ms(thread.createdAt), said, covered])
}

function threadMap(thread: VersionThread, anchor: { start: Uint8Array; end: Uint8Array }): Y.Map<unknown> {
  const messages = new Y.Array<Y.Map<unknown>>()
  messages.push(
    thread.messages.map((message) => {
      const map = new Y.Map<unknown>([
        ['id', message.id],
        ['author', message.author],
        ['color', message.color],
        ['text', message.text],
        ['createdAt', ms(message.createdAt)],
      ])
      if (message.editedAt !== null) map.set('editedAt', ms(message.editedAt))
      if (message.deleted) map.set('deleted', true)
      return map
    }),
  )
  return new Y.Map<unknown>([
    ['start', anchor.start],
    ['end', anchor.end],
    ['quote', thread.quote],
    ['author', thread.author],
    ['color', thread.color],
    ['createdAt', ms(thread.createdAt)],
    ['resolved', thread.resolved],
    ['resolvedBy', thread.resolvedBy],
    ['resolvedAt', thread.resolvedAt === null ? null : ms(thread.resolvedAt)],
    ['messages', messages],
  ])
}

/** No position: the thread reads as on deleted text. */
const NOWHERE = { start: new Uint8Array(), end: new Uint8Array() }

/**
 * Makes the threads of `doc` those of a version (`threads`, with their ranges in the version's
 * plain text), in one transaction with `origin`. Call it once the text is the version's.
 */
export function restoreThreads(doc: Y.Doc, threads: readonly VersionThread[], origin: unknown = null): void {
  const text = new DocText(contentOf(doc))
  const comments = commentsOf(doc)
  const current = new Map(readThreads(doc, text).map((thread) => [thread.id, thread]))
  const covered = (range: TextRange | null) => (range ? text.slice(range) : null)
  doc.transact(() => {
    const wanted = new Set(threads.map(({ id }) => id))
    for (const id of [...comments.keys()]) if (!wanted.has(id)) comments.delete(id)
    for (const thread of threads) {
      const now = current.get(thread.id)
      const then = covered(thread.range)
      if (now && signature(now, covered(now.range)) === signature(thread, then)) continue
      const anchor = (thread.range && text.anchorOf(thread.range)) ?? NOWHERE
      comments.set(thread.id, threadMap(thread, anchor))
    }
  }, origin)
}
