/**
 * What the comments API does to a document, as functions of bytes (they run on a worker thread,
 * see DocumentTasks): a change is made on a copy of the document's state, and the update it
 * yields is what the room writes, applies and relays, like any editor's.
 */
import * as Y from 'yjs'
import type { CommentMessageInfo, CommentStatus, CommentThreadInfo } from '@quire/shared'
import { withDoc } from '../sync/doc-fields.js'
import {
  addReply,
  CommentError,
  contentOf,
  createThread,
  deleteMessage,
  deleteThread,
  DocText,
  editMessage,
  messageAuthor,
  readThreads,
  setResolved,
  type CommentAuthor,
  type CommentMessage,
  type CommentRefusal,
  type CommentThread,
  type TextRange,
} from '@quire/shared/comments'

/** Where a new thread goes: a quoted passage and which copy of it, or a plain-text range. */
export type NewAnchor = { quote: string; occurrence: number } | TextRange

export type CommentChange =
  | { kind: 'create'; anchor: NewAnchor; text: string; author: CommentAuthor; now: number }
  | { kind: 'reply'; threadId: string; text: string; author: CommentAuthor; now: number }
  | { kind: 'edit'; threadId: string; messageId: string; text: string; author: CommentAuthor; now: number }
  | { kind: 'resolve'; threadId: string; resolved: boolean; author: CommentAuthor; now: number }
  | { kind: 'delete-message'; threadId: string; messageId: string; author: CommentAuthor; anyone: boolean }
  | { kind: 'delete-thread'; threadId: string }

/** A change made (its update, none if nothing changed, and the thread after it), or why not. */
export type CommentOutcome = { ok: true; update: Uint8Array | null; thread: CommentThreadInfo | null } | { ok: false; reason: CommentRefusal; message: string }

/** A thread as the API answers it. */
export function threadInfo(thread: CommentThread, text: DocText): CommentThreadInfo {
  const time = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
  return {
    id: thread.id,
    quote: thread.quote,
    anchoredText: thread.range ? text.slice(thread.range) : null,
    range: thread.range,
    author: thread.author,
    color: thread.color,
    createdAt: time(thread.createdAt)!,
    resolved: thread.resolved,
    resolvedBy: thread.resolvedBy,
    resolvedAt: time(thread.resolvedAt),
    messages: thread.messages.map((message: CommentMessage): CommentMessageInfo => ({
      ...message,
      createdAt: time(message.createdAt)!,
      editedAt: time(message.editedAt),
    })),
  }
}

/** The threads of a state, oldest first, as the API answers them. */
export function listThreads(state: Uint8Array, status: CommentStatus): CommentThreadInfo[] {
  return withDoc(state, (doc) => {
    const text = new DocText(contentOf(doc))
    return readThreads(doc, text)
      .filter(({ resolved }) => status === 'all' || resolved === (status === 'resolved'))
      .map((thread) => threadInfo(thread, text))
  })
}

/** Makes `change` on a copy of `state`. */
export function changeComments(state: Uint8Array, change: CommentChange): CommentOutcome {
  return withDoc(state, (doc) => {
    let update: Uint8Array | null = null
    doc.on('update', (made: Uint8Array) => (update = update ? Y.mergeUpdates([update, made]) : made))
    let threadId: string
    try {
      threadId = apply(doc, change)
    } catch (error) {
      if (error instanceof CommentError) return { ok: false, reason: error.reason, message: error.message }
      throw error
    }
    const text = new DocText(contentOf(doc))
    const thread = readThreads(doc, text).find(({ id }) => id === threadId)
    return { ok: true, update, thread: thread ? threadInfo(thread, text) : null }
  })
}

/** Makes the change; returns the id of the thread it concerns. */
function apply(doc: Y.Doc, change: CommentChange): string {
  switch (change.kind) {
    case 'create': {
      const text = new DocText(contentOf(doc))
      const range = 'quote' in change.anchor ? text.find(change.anchor.quote, change.anchor.occurrence) : change.anchor
      const anchor = range && text.anchorOf(range)
      if (!range || !anchor) throw new CommentError('no_passage', 'The passage to comment on is not in the document.')
      return createThread(doc, { anchor, quote: text.slice(range), author: change.author, text: change.text, now: change.now })
    }
    case 'reply':
      addReply(doc, change.threadId, change)
      return change.threadId
    case 'edit':
      if (messageAuthor(doc, change.threadId, change.messageId) !== change.author.name) throw notAuthor()
      editMessage(doc, change.threadId, change.messageId, change.text, change.now)
      return change.threadId
    case 'resolve':
      setResolved(doc, change.threadId, change.resolved, change.author, change.now)
      return change.threadId
    case 'delete-message':
      if (!change.anyone && messageAuthor(doc, change.threadId, change.messageId) !== change.author.name) throw notAuthor()
      deleteMessage(doc, change.threadId, change.messageId)
      return change.threadId
    case 'delete-thread':
      deleteThread(doc, change.threadId)
      return change.threadId
  }
}

function notAuthor(): CommentError {
  return new CommentError('not_author', 'Only its author can change or delete a message (and the owner delete it).')
}
