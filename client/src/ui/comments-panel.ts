import type { CommentMessage, CommentThread } from '@quire/shared/comments'
import { safeColor } from '../collab/identity.js'
import { commentForm, messageText, newThreadCard, placeCards, timeOf } from './comment-parts.js'
import { h } from './dom.js'
import { relativeTime } from './version-words.js'

const FALLBACK_COLOR = '#6b7280'
/** How often "3 minutes ago" is brought up to date. */
const CLOCK_MS = 30_000

/** What the panel does to the threads: each writes to the shared document. */
export interface CommentActions {
  create(text: string): void
  reply(threadId: string, text: string): void
  edit(threadId: string, messageId: string, text: string): void
  deleteMessage(threadId: string, messageId: string): void
  setResolved(threadId: string, resolved: boolean): void
  deleteThread(threadId: string): void
}

export interface CommentsPanelOptions {
  /** Owner, edit and comment links take part; view links read. */
  canComment: boolean
  /** The owner may delete any thread. */
  isOwner: boolean
  /** This person's display name: their own messages are the ones they may edit and delete. */
  myName(): string
  /** Names to recognise after an "@" (the people here). */
  knownNames(): string[]
  /** The vertical position of a thread's passage on the page, for the panel beside the text. */
  passageTop(threadId: string): number | undefined
  /** A thread got the focus (or none): its passage is marked as the active one. */
  onActive(threadId: string | undefined): void
  /** Resolved threads were shown or hidden: their passages are marked only while shown. */
  onShowResolved(shown: boolean): void
  actions: CommentActions
}

export interface CommentsPanel {
  element: HTMLElement
  /** Shows these threads (in the order of their passages). */
  render(threads: readonly CommentThread[]): void
  /** Opens the form for a new thread on `quote`, or says why there is none. */
  startThread(quote: string | undefined): void
  /** Puts the card of a thread in view and in focus. */
  reveal(threadId: string): void
  /** Places the cards beside their passages again (the text moved). */
  layout(): void
  /** Says something in the panel (a limit reached, say). */
  say(text: string): void
  destroy(): void
}

/**
 * The comments beside the text: one card per thread, with its passage, its messages, a reply box,
 * resolve and reopen; resolved threads hidden until asked for. Everything another person wrote
 * is set as text, and colours only as validated hex values. Cards are kept between renders, so
 * a reply being typed survives other people's changes.
 */
export function createCommentsPanel(options: CommentsPanelOptions): CommentsPanel {
  const { canComment } = options
  let threads: readonly CommentThread[] = []
  let showResolved = false
  let active: string | undefined
  /** Reply boxes and message editors by thread, kept across renders. */
  const drafts = new Map<string, HTMLTextAreaElement>()
  const editing = new Map<string, { messageId: string; field: HTMLTextAreaElement }>()

  const count = h('span', { class: 'comments__count' })
  const toggle = h('button', {
    class: 'button button--ghost comments__toggle',
    attrs: { type: 'button', 'aria-pressed': 'false' },
    on: {
      click: () => setShowResolved(!showResolved),
    },
  })
  const notice = h('p', { class: 'comments__notice', attrs: { role: 'status' } })
  const composer = h('div', { class: 'comments__composer' })
  const list = h('ol', { class: 'comments__list', attrs: { 'aria-label': 'Comment threads' } })
  const element = h(
    'aside',
    { class: 'comments', attrs: { id: 'comments', 'aria-labelledby': 'comments-title' } },
    h('div', { class: 'comments__head' }, h('h2', { class: 'comments__title', text: 'Comments', attrs: { id: 'comments-title' } }), count, toggle),
    notice,
    composer,
    list,
  )

  const setShowResolved = (show: boolean) => {
    showResolved = show
    toggle.setAttribute('aria-pressed', String(show))
    draw()
    options.onShowResolved(show)
  }

  const setActive = (threadId: string | undefined) => {
    if (active === threadId) return
    active = threadId
    for (const card of list.querySelectorAll<HTMLElement>('.thread')) card.classList.toggle('thread--active', card.dataset.thread === threadId)
    options.onActive(threadId)
  }
  element.addEventListener('focusin', (event) => {
    const card = (event.target as Element).closest<HTMLElement>('.thread')
    if (card) setActive(card.dataset.thread)
  })

  const clock = setInterval(() => {
    const now = new Date()
    for (const time of element.querySelectorAll<HTMLTimeElement>('time[datetime]')) time.textContent = relativeTime(new Date(time.dateTime), now)
  }, CLOCK_MS)

  function messageView(thread: CommentThread, message: CommentMessage, names: string[]): HTMLElement {
    const dot = h('span', { class: 'message__dot', attrs: { 'aria-hidden': 'true' } })
    dot.style.backgroundColor = safeColor(message.color) ?? FALLBACK_COLOR
    const mine = canComment && !message.deleted && message.author === options.myName()
    const edit = editing.get(thread.id)
    const head = h(
      'div',
      { class: 'message__head' },
      dot,
      h('span', { class: 'message__author', text: message.author }),
      timeOf(message.createdAt),
      message.editedAt !== null && !message.deleted ? h('span', { class: 'message__edited', text: '(edited)' }) : null,
    )
    if (message.deleted) return h('li', { class: 'message message--deleted' }, head, h('p', { class: 'message__text', text: 'Message deleted.' }))
    if (mine && edit?.messageId === message.id) {
      const stop = () => {
        editing.delete(thread.id)
        draw()
      }
      return h(
        'li',
        { class: 'message' },
        head,
        commentForm(
          edit.field,
          'Save',
          (text) => {
            options.actions.edit(thread.id, message.id, text)
            stop()
          },
          stop,
        ),
      )
    }
    const tools = mine
      ? h(
          'div',
          { class: 'message__tools' },
          h('button', {
            class: 'link-button',
            text: 'Edit',
            attrs: { type: 'button', 'aria-label': 'Edit your message' },
            on: {
              click: () => {
                const field = h('textarea', { class: 'field__input', attrs: { 'aria-label': 'Edit your message' } })
                field.value = message.text
                editing.set(thread.id, { messageId: message.id, field })
                draw()
                field.focus()
              },
            },
          }),
          h('button', {
            class: 'link-button',
            text: 'Delete',
            attrs: { type: 'button', 'aria-label': 'Delete your message' },
            on: { click: () => options.actions.deleteMessage(thread.id, message.id) },
          }),
        )
      : null
    return h('li', { class: 'message' }, head, messageText(message.text, names), tools)
  }

  function card(thread: CommentThread): HTMLElement {
    const names = [...options.knownNames(), ...thread.messages.map(({ author }) => author)]
    let draft = drafts.get(thread.id)
    if (!draft) {
      draft = h('textarea', { class: 'field__input', attrs: { 'aria-label': 'Reply', placeholder: 'Reply…' } })
      drafts.set(thread.id, draft)
    }
    const quote =
      thread.range === null
        ? h('p', { class: 'thread__quote thread__quote--deleted' }, h('span', { class: 'thread__deleted', text: 'On deleted text: ' }), thread.quote)
        : h('p', { class: 'thread__quote', text: thread.quote })
    const resolveButton = canComment
      ? h('button', {
          class: 'button button--ghost thread__resolve',
          text: thread.resolved ? 'Reopen' : 'Resolve',
          attrs: { type: 'button' },
          on: { click: () => options.actions.setResolved(thread.id, !thread.resolved) },
        })
      : null
    const remove = options.isOwner
      ? h('button', {
          class: 'link-button thread__delete',
          text: 'Delete thread',
          attrs: { type: 'button' },
          on: { click: () => options.actions.deleteThread(thread.id) },
        })
      : null
    const item = h(
      'li',
      {
        class: `thread${thread.resolved ? ' thread--resolved' : ''}${thread.id === active ? ' thread--active' : ''}`,
        attrs: { 'data-thread': thread.id, tabindex: '-1', 'aria-label': `Comment on “${thread.quote}”` },
        on: { click: () => setActive(thread.id) },
      },
      quote,
      thread.resolved ? h('p', { class: 'thread__state', text: `Resolved${thread.resolvedBy ? ` by ${thread.resolvedBy}` : ''}` }) : null,
      h('ol', { class: 'thread__messages' }, ...thread.messages.map((message) => messageView(thread, message, names))),
      canComment && !thread.resolved ? commentForm(draft, 'Reply', (text) => options.actions.reply(thread.id, text)) : null,
      h('div', { class: 'thread__actions' }, resolveButton, remove),
    )
    return item
  }

  function draw(): void {
    const open = threads.filter(({ resolved }) => !resolved)
    const resolved = threads.length - open.length
    count.textContent = String(open.length)
    count.setAttribute('aria-label', `${open.length} open`)
    toggle.textContent = showResolved ? 'Hide resolved' : `Show resolved (${resolved})`
    toggle.hidden = resolved === 0
    const shown = showResolved ? threads : open
    // A reply being typed moves into the new card: its focus and caret go with it.
    const focused = document.activeElement
    const caret = focused instanceof HTMLTextAreaElement ? [focused.selectionStart, focused.selectionEnd] : undefined
    list.replaceChildren(...shown.map(card))
    if (focused instanceof HTMLElement && focused !== document.activeElement && list.contains(focused)) {
      focused.focus({ preventScroll: true })
      if (caret && focused instanceof HTMLTextAreaElement) focused.setSelectionRange(caret[0]!, caret[1]!)
    }
    for (const id of drafts.keys()) if (!threads.some((thread) => thread.id === id)) drafts.delete(id)
    // Nothing to show until there is a thread, a comment being written or something to say.
    element.hidden = threads.length === 0 && composer.childElementCount === 0 && notice.textContent === ''
    if (shown.length === 0 && composer.childElementCount === 0) list.append(h('li', { class: 'comments__empty', text: 'No open comments.' }))
    layout()
  }

  function layout(): void {
    placeCards(element, list, options.passageTop)
  }

  return {
    element,
    render(next) {
      threads = next
      draw()
    },
    startThread(quote) {
      notice.textContent = ''
      if (!canComment) return
      if (quote === undefined) {
        notice.textContent = 'Select the passage to comment on first.'
        draw()
        return
      }
      const close = () => {
        composer.replaceChildren()
        draw()
      }
      const { card, field } = newThreadCard(
        quote,
        (text) => {
          options.actions.create(text)
          close()
        },
        close,
      )
      composer.replaceChildren(card)
      draw()
      field.focus()
    },
    reveal(threadId) {
      const item = list.querySelector<HTMLElement>(`.thread[data-thread="${CSS.escape(threadId)}"]`)
      if (!item) {
        if (!showResolved && threads.some((thread) => thread.id === threadId && thread.resolved)) {
          setShowResolved(true)
          return this.reveal(threadId)
        }
        return
      }
      setActive(threadId)
      item.scrollIntoView({ block: 'nearest' })
      item.focus({ preventScroll: true })
    },
    layout,
    say(text) {
      notice.textContent = text
      draw()
    },
    destroy() {
      clearInterval(clock)
    },
  }
}
