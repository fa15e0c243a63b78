import { CommentLimits } from '@quire/shared/comments'
import { h } from './dom.js'
import { mentionParts } from './mentions.js'
import { absoluteTime, relativeTime } from './version-words.js'

/* The pieces of the comments panel that hold no state of its own. */

/** A message's time as "3 minutes ago", with the full date on hover (the panel's clock updates it). */
export function timeOf(ms: number): HTMLTimeElement {
  const date = new Date(ms)
  return h('time', { text: relativeTime(date, new Date()), attrs: { datetime: date.toISOString(), title: absoluteTime(date) } })
}

/** A message's text, set as text, with the `@name`s of people the panel knows highlighted. */
export function messageText(text: string, names: string[]): HTMLElement {
  const body = h('p', { class: 'message__text' })
  for (const part of mentionParts(text, names)) body.append(part.mention ? h('span', { class: 'mention', text: part.text }) : part.text)
  return body
}

/** A text box with a submit button; Ctrl/⌘+Enter submits, Escape cancels when it can. */
export function commentForm(field: HTMLTextAreaElement, label: string, submit: (text: string) => void, cancel?: () => void): HTMLElement {
  field.maxLength = CommentLimits.maxMessageLength
  field.rows = Math.max(field.rows, 2)
  const send = () => {
    const text = field.value.trim()
    if (text === '') return field.focus()
    submit(text)
    field.value = ''
  }
  field.onkeydown = (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault()
      send()
    } else if (event.key === 'Escape' && cancel) {
      event.preventDefault()
      cancel()
    }
  }
  return h(
    'div',
    { class: 'comment-form' },
    field,
    h(
      'div',
      { class: 'comment-form__actions' },
      cancel ? h('button', { class: 'button button--ghost', text: 'Cancel', attrs: { type: 'button' }, on: { click: cancel } }) : null,
      h('button', { class: 'button button--primary', text: label, attrs: { type: 'button' }, on: { click: send } }),
    ),
  )
}

/** The card of a thread being started on `quote`, and its text box (to focus). */
export function newThreadCard(quote: string, create: (text: string) => void, cancel: () => void): { card: HTMLElement; field: HTMLTextAreaElement } {
  const field = h('textarea', { class: 'field__input', attrs: { 'aria-label': `Comment on “${quote}”`, placeholder: 'Add a comment…' } })
  const card = h('div', { class: 'thread thread--new' }, h('p', { class: 'thread__quote', text: quote }), commentForm(field, 'Comment', create, cancel))
  return { card, field }
}

/** Beside the text: each card level with its passage, pushed down below the one above. */
export function placeCards(panel: HTMLElement, list: HTMLElement, passageTop: (threadId: string) => number | undefined): void {
  const cards = [...list.querySelectorAll<HTMLElement>('.thread')]
  const besideText = getComputedStyle(panel).getPropertyValue('--comments-beside').trim() === '1'
  if (!besideText) {
    for (const item of cards) item.style.marginTop = ''
    return
  }
  let bottom = list.getBoundingClientRect().top + window.scrollY
  for (const item of cards) {
    item.style.marginTop = ''
    const natural = item.getBoundingClientRect().top + window.scrollY
    const wanted = passageTop(item.dataset.thread!) ?? natural
    const top = Math.max(wanted, bottom, natural)
    item.style.marginTop = `${Math.max(0, top - natural)}px`
    bottom = item.getBoundingClientRect().bottom + window.scrollY + 8
  }
}
