/**
 * Comments in an export (`?comments=true`): a numbered mark after each commented passage, and
 * the threads as notes at the end (footnotes in Markdown and text, an `<aside>` in HTML). The
 * marks go into a copy of the document as private-use placeholders before it is exported, and
 * become each format's own marks after, so no serializer has to know about comments.
 */
import type * as Y from 'yjs'
import { contentOf, DocText, readThreads, type CommentThread } from '@quire/shared/comments'
import { threadInfo } from '../comments/comment-changes.js'
import type { TextFormat } from './formats.js'

const OPEN = '\uE000'
const CLOSE = '\uE001'
const PLACEHOLDER = new RegExp(`${OPEN}(\\d+)${CLOSE}`, 'g')

export interface CommentNote {
  n: number
  thread: CommentThread
}

/**
 * Marks the passage of every thread in `doc` (a copy made for the export) and returns the notes,
 * numbered in the order of their passages; threads on deleted text come last, unmarked.
 */
export function markCommentedPassages(doc: Y.Doc): CommentNote[] {
  const text = new DocText(contentOf(doc))
  const threads = readThreads(doc, text)
  const onText = threads.filter(({ range }) => range !== null).sort((a, b) => a.range!.to - b.range!.to || a.range!.from - b.range!.from)
  const notes = [...onText, ...threads.filter(({ range }) => range === null)].map((thread, index) => ({ n: index + 1, thread }))
  doc.transact(() => {
    // From the end, so that the offsets of the earlier passages still hold.
    for (const { n, thread } of [...notes].reverse()) {
      if (!thread.range) continue
      const last = text.locate(thread.range.to - 1)
      last?.text.insert(last.index + 1, `${OPEN}${n}${CLOSE}`)
    }
  })
  return notes
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim()
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)

function heading({ thread }: CommentNote): string {
  const where = thread.range ? `“${oneLine(thread.quote)}”` : `on deleted text “${oneLine(thread.quote)}”`
  return thread.resolved ? `${where} (resolved${thread.resolvedBy ? ` by ${thread.resolvedBy}` : ''})` : where
}

const messagesOf = ({ thread }: CommentNote) => thread.messages.filter(({ deleted }) => !deleted)

function markdownNotes(notes: CommentNote[]): string {
  const escape = (text: string) => oneLine(text).replace(/([\\`*_[\]<>])/g, '\\$1')
  return notes
    .map((note) => {
      const said = messagesOf(note).map((message) => `**${escape(message.author)}** (${day(message.createdAt)}): ${escape(message.text)}`)
      return `[^${note.n}]: ${escape(heading(note))}: ${said.join(' — ')}`
    })
    .join('\n')
}

function htmlNotes(notes: CommentNote[]): string {
  const items = notes.map((note) => {
    const said = messagesOf(note)
      .map(
        (message) =>
          `<p><strong>${escapeHtml(message.author)}</strong> <time datetime="${new Date(message.createdAt).toISOString()}">${day(message.createdAt)}</time>: ${escapeHtml(message.text)}</p>`,
      )
      .join('')
    const back = note.thread.range ? ` <a href="#comment-ref-${note.n}" aria-label="Back to the text">↩</a>` : ''
    return `<li id="comment-${note.n}"><p>${escapeHtml(heading(note))}${back}</p>${said}</li>`
  })
  return `<aside class="comments" aria-label="Comments"><h2>Comments</h2><ol>${items.join('')}</ol></aside>`
}

function textNotes(notes: CommentNote[]): string {
  return notes
    .map(
      (note) =>
        `[${note.n}] ${heading(note)}\n${messagesOf(note)
          .map((message) => `    ${message.author} (${day(message.createdAt)}): ${oneLine(message.text)}`)
          .join('\n')}`,
    )
    .join('\n')
}

/** The export's body with each placeholder turned into the format's mark, and the notes added. */
export function withCommentNotes(format: TextFormat, body: string, notes: CommentNote[]): string {
  if (notes.length === 0) return body
  switch (format) {
    case 'markdown':
      return `${body.replace(PLACEHOLDER, '[^$1]').trimEnd()}\n\n${markdownNotes(notes)}\n`
    case 'html': {
      const marked = body.replace(PLACEHOLDER, '<sup class="comment-ref"><a href="#comment-$1" id="comment-ref-$1">$1</a></sup>')
      const notesHtml = htmlNotes(notes)
      return marked.includes('</body>') ? marked.replace('</body>', `${notesHtml}</body>`) : `${marked}${notesHtml}`
    }
    case 'text':
      return `${body.replace(PLACEHOLDER, '[$1]').trimEnd()}\n\nComments\n\n${textNotes(notes)}\n`
    case 'json':
      return body
  }
}

/** The JSON export with the document's threads beside its content (ProseMirror ignores the extra key). */
export function withThreads(json: string, doc: Y.Doc): string {
  const text = new DocText(contentOf(doc))
  const threads = readThreads(doc, text)
  if (threads.length === 0) return json
  return JSON.stringify({ ...(JSON.parse(json) as object), comments: threads.map((thread) => threadInfo(thread, text)) })
}
