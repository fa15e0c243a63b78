import type { Editor } from '@tiptap/core'
import type * as Y from 'yjs'
import { canComment, type Role } from '@quire/shared'
import {
  addReply,
  commentsOf,
  CommentError,
  createThread,
  deleteMessage,
  deleteThread,
  editMessage,
  readThreads,
  setResolved,
  type CommentThread,
  type EncodedAnchor,
} from '@quire/shared/comments'
import { safeName, type Identity } from '../collab/identity.js'
import { anchorOfSelection, commentMarks, passageRange, refreshCommentMarks } from '../editor/comment-marks.js'
import { createCommentsPanel, type CommentsPanel } from '../ui/comments-panel.js'
import { h } from '../ui/dom.js'
import { icon } from '../ui/icons.js'
import type { Awareness } from 'y-protocols/awareness'
import '../styles/comments.css'

export interface DocCommentsOptions {
  doc: Y.Doc
  role: Role
  identity(): Identity
  awareness: Awareness
}

/**
 * The comments of the document page: the highlights in the editor, the panel beside the text,
 * the Comment button and its shortcut (Ctrl+Alt+M). Threads are read from and written to the
 * shared Y.Doc, so they travel, merge and stay offline like the text. Created before the
 * editor (its highlights are an extension of it), then attached to it.
 */
export function createDocComments({ doc, role, identity, awareness }: DocCommentsOptions) {
  const writer = canComment(role)
  let threads: CommentThread[] = []
  let active: string | undefined
  let showResolved = false
  let editor: Editor | undefined
  let panel: CommentsPanel | undefined
  /** The passage the form being written is for. */
  let pending: { anchor: EncodedAnchor; quote: string } | undefined
  let scheduled = 0

  const marks = commentMarks(
    () => threads.filter((thread) => thread.anchor !== null && (!thread.resolved || showResolved)).map((thread) => ({ ...thread, anchor: thread.anchor! })),
    () => active,
  )

  const attempt = (change: () => void) => {
    try {
      change()
    } catch (error) {
      // A limit, or a thread someone else just deleted: said in the panel, nothing written.
      if (!(error instanceof CommentError)) throw error
      panel?.say(error.message)
    }
  }
  const author = () => ({ name: identity().name, color: identity().color })

  const button = writer
    ? h(
        'button',
        {
          class: 'button button--ghost comment-button',
          attrs: { type: 'button', 'aria-keyshortcuts': 'Control+Alt+M', title: 'Comment on the selected text (Ctrl+Alt+M)', 'aria-controls': 'comments' },
          on: { mousedown: (event) => event.preventDefault(), click: () => startThread() },
        },
        icon('comment'),
        h('span', { class: 'button__text', text: 'Comment' }),
      )
    : null

  /** The selected passage: the page's own selection (read-only pages included), else the editor's. */
  function selectedRange(view: Editor['view']): { from: number; to: number } | undefined {
    const selection = window.getSelection()
    if (selection && !selection.isCollapsed && selection.anchorNode && selection.focusNode) {
      if (view.dom.contains(selection.anchorNode) && view.dom.contains(selection.focusNode)) {
        const a = view.posAtDOM(selection.anchorNode, selection.anchorOffset)
        const b = view.posAtDOM(selection.focusNode, selection.focusOffset)
        if (a !== b) return { from: Math.min(a, b), to: Math.max(a, b) }
      }
    }
    const { from, to } = view.state.selection
    return from < to ? { from, to } : undefined
  }

  function startThread(): void {
    if (!editor || !panel || !editor.isInitialized) return
    const range = selectedRange(editor.view)
    pending = range ? anchorOfSelection(editor.state, range.from, range.to) : undefined
    panel.startThread(pending?.quote)
  }

  const onKey = (event: KeyboardEvent) => {
    if (writer && event.ctrlKey && event.altKey && !event.shiftKey && event.code === 'KeyM') {
      event.preventDefault()
      startThread()
    }
  }

  /** The threads anew, in the order of their passages (those on deleted text last), after any change. */
  let shown = ''
  const refresh = () => {
    scheduled = 0
    // A document without threads (most of them) costs its typing nothing more.
    if (threads.length === 0 && commentsOf(doc).size === 0 && shown !== '') return
    threads = readThreads(doc).sort((a, b) => (a.range?.from ?? Infinity) - (b.range?.from ?? Infinity) || a.createdAt - b.createdAt)
    // The panel is drawn again only when what it shows changed, not at every keystroke.
    const seen = JSON.stringify(threads.map(({ range, anchor: _anchor, ...shownPart }) => ({ ...shownPart, deleted: range === null })))
    if (seen !== shown) {
      shown = seen
      panel?.render(threads)
    } else panel?.layout()
    if (editor) refreshCommentMarks(editor)
  }
  // After a transaction that changed something, once y-tiptap has mapped the new text: one
  // refresh a frame at most. (Empty transactions, such as y-tiptap's own, change nothing.)
  const schedule = (transaction: Y.Transaction) => {
    if (transaction.changed.size === 0 && transaction.deleteSet.clients.size === 0) return
    if (!scheduled) scheduled = requestAnimationFrame(refresh)
  }

  function attach(to: Editor): HTMLElement {
    editor = to
    panel = createCommentsPanel({
      canComment: writer,
      isOwner: role === 'owner',
      myName: () => identity().name,
      knownNames: () =>
        [...awareness.getStates().values()].map((state) => safeName((state as { user?: { name?: unknown } }).user?.name)).filter((name) => name !== undefined),
      passageTop: (threadId) => {
        const anchor = threads.find(({ id }) => id === threadId)?.anchor
        const range = anchor && editor && passageRange(editor.state, anchor)
        return range ? editor!.view.coordsAtPos(range.from).top + window.scrollY : undefined
      },
      onActive: (threadId) => {
        active = threadId
        if (editor) refreshCommentMarks(editor)
      },
      onShowResolved: (show) => {
        showResolved = show
        if (editor) refreshCommentMarks(editor)
      },
      actions: {
        create: (text) =>
          attempt(() => {
            if (!pending) return
            const id = createThread(doc, { ...pending, author: author(), text, now: Date.now() })
            pending = undefined
            refresh()
            panel?.reveal(id)
          }),
        reply: (threadId, text) => attempt(() => addReply(doc, threadId, { author: author(), text, now: Date.now() })),
        edit: (threadId, messageId, text) => attempt(() => editMessage(doc, threadId, messageId, text, Date.now())),
        deleteMessage: (threadId, messageId) => attempt(() => deleteMessage(doc, threadId, messageId)),
        setResolved: (threadId, resolved) => attempt(() => setResolved(doc, threadId, resolved, author(), Date.now())),
        deleteThread: (threadId) => attempt(() => deleteThread(doc, threadId)),
      },
    })
    // A click on a highlighted passage opens its thread.
    to.view.dom.addEventListener('click', (event) => {
      const mark = (event.target as Element | null)?.closest?.<HTMLElement>('[data-thread]')
      if (mark?.dataset.thread) panel?.reveal(mark.dataset.thread)
    })
    doc.on('afterTransaction', schedule)
    window.addEventListener('resize', panel.layout)
    document.addEventListener('keydown', onKey)
    refresh()
    return panel.element
  }

  return {
    /** The editor extension that highlights the passages. */
    marks,
    /** The Comment button, for the header (none for a view link). */
    button,
    attach,
    destroy(): void {
      doc.off('afterTransaction', schedule)
      if (panel) window.removeEventListener('resize', panel.layout)
      document.removeEventListener('keydown', onKey)
      if (scheduled) cancelAnimationFrame(scheduled)
      panel?.destroy()
    },
  }
}
