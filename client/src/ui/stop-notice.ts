import type { StopMessage } from '../collab/close-messages.js'
import { h } from './dom.js'

/**
 * A message that replaces any spinner when the page cannot go on as before: revoked link,
 * deleted document, and the like. Focus moves to it so keyboard and screen reader users hear it.
 * Its heading is an h1 where the message is the whole page.
 */
export function createStopNotice(message: StopMessage, onRetry?: () => void, headingTag: 'h1' | 'h2' = 'h2'): HTMLElement {
  const heading = h(headingTag, { class: 'notice__title', text: message.title, attrs: { tabindex: -1 } })
  const notice = h(
    'section',
    { class: 'notice', attrs: { role: 'alert', 'aria-labelledby': 'notice-title' } },
    heading,
    h('p', { class: 'notice__body', text: message.body }),
    h(
      'p',
      { class: 'notice__actions' },
      message.retry && onRetry ? h('button', { class: 'button button--primary', text: 'Try again', attrs: { type: 'button' }, on: { click: onRetry } }) : null,
      h('a', { class: 'button', text: 'Your documents', attrs: { href: '/' } }),
    ),
  )
  heading.id = 'notice-title'
  return notice
}
