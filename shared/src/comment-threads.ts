/**
 * Comment threads, kept in the shared Y.Doc beside the text so that they travel, merge, persist
 * and version exactly like it. Everything lives under one root map (COMMENTS_FIELD): the server
 * lets a comment-role socket change that map and nothing else.
 *
 *   comments: Y.Map<threadId, Y.Map>   start, end (encoded relative positions), quote,
 *                                      author, color, createdAt, resolved, resolvedBy, resolvedAt,
 *                                      messages: Y.Array<Y.Map>  id, author, color, text,
 *                                                                createdAt, editedAt, deleted
 *
 * Times are milliseconds since the epoch, as the writer's clock had them.
 */
import * as Y from 'yjs'
import { contentOf, DocText, type EncodedAnchor, type TextRange } from './comment-anchors.js'

/** The root map of the threads. */
export const COMMENTS_FIELD = 'comments'

/** What one document's comments may hold: the API answers 400/413 past them, the editor stops before. */
export const CommentLimits = {
  /** Characters in one message. */
  maxMessageLength: 2_000,
  /** Characters of the passage a thread quotes (a longer passage is quoted in part). */
  maxQuoteLength: 300,
  /** Threads in one document, resolved ones included. */
  maxThreads: 500,
  /** Answers in one thread, after its first message. */
  maxReplies: 200,
  /** Characters of an author's name. */
  maxNameLength: 64,
} as const

export interface CommentAuthor {
  name: string
  /** A CSS colour, as presence shows it. */
  color: string
}

export interface CommentMessage {
  id: string
  author: string
  color: string
  text: string
  createdAt: number
  editedAt: number | null
  deleted: boolean
}

export interface CommentThread {
  id: string
  quote: string
  author: string
  color: string
  createdAt: number
  resolved: boolean
  resolvedBy: string | null
  resolvedAt: number | null
  messages: CommentMessage[]
  /** What the thread covers now in the plain text, or null once its passage was deleted. */
  range: TextRange | null
  /** The stored anchor, for an editor to map into its own positions; null if it is missing. */
  anchor: EncodedAnchor | null
}

/** Why a change to the comments was refused. */
export type CommentRefusal = 'empty' | 'too_long' | 'too_many_threads' | 'too_many_replies' | 'no_thread' | 'no_message' | 'not_author' | 'no_passage'

export class CommentError extends Error {
  override name = 'CommentError'
  readonly reason: CommentRefusal

  constructor(reason: CommentRefusal, message: string) {
    super(message)
    this.reason = reason
  }
}

/** A random id of 16 URL-safe characters. */
export function newCommentId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12))
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
}

export function commentsOf(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap(COMMENTS_FIELD)
}

/** A message's text, trimmed and within the limit; throws a CommentError otherwise. */
export function checkedText(text: string): string {
  const trimmed = text.trim()
  if (trimmed === '') throw new CommentError('empty', 'A comment needs some text.')
  if (trimmed.length > CommentLimits.maxMessageLength) {
    throw new CommentError('too_long', `A comment is at most ${CommentLimits.maxMessageLength} characters; this one has ${trimmed.length}.`)
  }
  return trimmed
}

function checkedAuthor({ name, color }: CommentAuthor): CommentAuthor {
  return { name: name.trim().slice(0, CommentLimits.maxNameLength) || 'Anonymous', color: color.slice(0, 32) }
}

function messageMap(id: string, author: CommentAuthor, text: string, now: number): Y.Map<unknown> {
  return new Y.Map<unknown>([
    ['id', id],
    ['author', author.name],
    ['color', author.color],
    ['text', text],
    ['createdAt', now],
  ])
}

export interface NewThread {
  anchor: EncodedAnchor
  quote: string
  author: CommentAuthor
  text: string
  now: number
  id?: string
  messageId?: string
}

/** Starts a thread; returns its id. Throws a CommentError past a limit. */
export function createThread(doc: Y.Doc, thread: NewThread): string {
  const comments = commentsOf(doc)
  const text = checkedText(thread.text)
  if (comments.size >= CommentLimits.maxThreads) {
    throw new CommentError('too_many_threads', `A document holds at most ${CommentLimits.maxThreads} threads; delete some first.`)
  }
  const author = checkedAuthor(thread.author)
  const id = thread.id ?? newCommentId()
  const messages = new Y.Array<Y.Map<unknown>>()
  messages.push([messageMap(thread.messageId ?? newCommentId(), author, text, thread.now)])
  const map = new Y.Map<unknown>([
    ['start', thread.anchor.start],
    ['end', thread.anchor.end],
    ['quote', thread.quote.slice(0, CommentLimits.maxQuoteLength)],
    ['author', author.name],
    ['color', author.color],
    ['createdAt', thread.now],
    ['resolved', false],
    ['messages', messages],
  ])
  doc.transact(() => comments.set(id, map))
  return id
}

function threadMap(doc: Y.Doc, threadId: string): Y.Map<unknown> {
  const thread = commentsOf(doc).get(threadId)
  if (!(thread instanceof Y.Map)) throw new CommentError('no_thread', 'There is no such thread.')
  return thread
}

function messagesOf(thread: Y.Map<unknown>): Y.Array<Y.Map<unknown>> | undefined {
  const messages = thread.get('messages')
  return messages instanceof Y.Array ? (messages as Y.Array<Y.Map<unknown>>) : undefined
}

/** Answers a thread; returns the message's id. */
export function addReply(doc: Y.Doc, threadId: string, reply: { author: CommentAuthor; text: string; now: number; id?: string }): string {
  const thread = threadMap(doc, threadId)
  const text = checkedText(reply.text)
  const messages = messagesOf(thread)
  if (!messages) throw new CommentError('no_thread', 'There is no such thread.')
  if (messages.length > CommentLimits.maxReplies) {
    throw new CommentError('too_many_replies', `A thread holds at most ${CommentLimits.maxReplies} replies; start a new one.`)
  }
  const id = reply.id ?? newCommentId()
  doc.transact(() => messages.push([messageMap(id, checkedAuthor(reply.author), text, reply.now)]))
  return id
}

function messageMapOf(doc: Y.Doc, threadId: string, messageId: string): Y.Map<unknown> {
  const message = messagesOf(threadMap(doc, threadId))
    ?.toArray()
    .find((entry) => entry instanceof Y.Map && entry.get('id') === messageId)
  if (!message || message.get('deleted') === true) throw new CommentError('no_message', 'There is no such message.')
  return message
}

/** Who wrote the message, by name (a name is all that a capability link knows of its holder). */
export function messageAuthor(doc: Y.Doc, threadId: string, messageId: string): string {
  return String(messageMapOf(doc, threadId, messageId).get('author'))
}

export function editMessage(doc: Y.Doc, threadId: string, messageId: string, text: string, now: number): void {
  const message = messageMapOf(doc, threadId, messageId)
  const checked = checkedText(text)
  doc.transact(() => {
    message.set('text', checked)
    message.set('editedAt', now)
  })
}

/** Deletes a message: its text goes, a mark stays so the thread still reads in order. */
export function deleteMessage(doc: Y.Doc, threadId: string, messageId: string): void {
  const message = messageMapOf(doc, threadId, messageId)
  doc.transact(() => {
    message.set('text', '')
    message.set('deleted', true)
  })
}

export function setResolved(doc: Y.Doc, threadId: string, resolved: boolean, by: CommentAuthor, now: number): void {
  const thread = threadMap(doc, threadId)
  doc.transact(() => {
    thread.set('resolved', resolved)
    thread.set('resolvedBy', resolved ? checkedAuthor(by).name : null)
    thread.set('resolvedAt', resolved ? now : null)
  })
}

export function deleteThread(doc: Y.Doc, threadId: string): void {
  threadMap(doc, threadId)
  doc.transact(() => commentsOf(doc).delete(threadId))
}

const str = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback)
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0)

function readMessage(map: Y.Map<unknown>): CommentMessage {
  const edited = map.get('editedAt')
  return {
    id: str(map.get('id')),
    author: str(map.get('author'), 'Anonymous'),
    color: str(map.get('color')),
    text: str(map.get('text')),
    createdAt: num(map.get('createdAt')),
    editedAt: typeof edited === 'number' ? edited : null,
    deleted: map.get('deleted') === true,
  }
}

/**
 * Every thread of `doc`, oldest first, with what each covers now. Whatever a client wrote is
 * read defensively: a field of the wrong type reads as empty, never as an error.
 */
export function readThreads(doc: Y.Doc, text = new DocText(contentOf(doc))): CommentThread[] {
  const threads: CommentThread[] = []
  for (const [id, map] of commentsOf(doc).entries()) {
    if (!(map instanceof Y.Map)) continue
    threads.push(readThread(doc, id, map, text))
  }
  return threads.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
}

/** One thread, or undefined. */
export function readOneThread(doc: Y.Doc, id: string): CommentThread | undefined {
  const map = commentsOf(doc).get(id)
  return map instanceof Y.Map ? readThread(doc, id, map, new DocText(contentOf(doc))) : undefined
}

function readThread(doc: Y.Doc, id: string, map: Y.Map<unknown>, text: DocText): CommentThread {
  const start = map.get('start')
  const end = map.get('end')
  const anchor = start instanceof Uint8Array && end instanceof Uint8Array ? { start, end } : null
  const range = anchor ? text.resolve(doc, anchor) : undefined
  const resolvedAt = map.get('resolvedAt')
  return {
    id,
    quote: str(map.get('quote')),
    author: str(map.get('author'), 'Anonymous'),
    color: str(map.get('color')),
    createdAt: num(map.get('createdAt')),
    resolved: map.get('resolved') === true,
    resolvedBy: typeof map.get('resolvedBy') === 'string' ? str(map.get('resolvedBy')) : null,
    resolvedAt: typeof resolvedAt === 'number' ? resolvedAt : null,
    messages: (messagesOf(map)?.toArray() ?? []).filter((entry) => entry instanceof Y.Map).map(readMessage),
    range: range ?? null,
    anchor,
  }
}
