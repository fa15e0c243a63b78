import type { StopMessage } from '../collab/close-messages.js'
import { h } from './dom.js'
import { createStopNotice } from './stop-notice.js'

/** A whole page that only says why a document cannot be shown. */
export function showMessagePage(app: HTMLElement, message: StopMessage, onRetry?: () => void): void {
  document.title = `${message.title} · Quire`
  const notice = createStopNotice(message, onRetry, 'h1')
  app.replaceChildren(
    h('header', { class: 'site-header' }, h('a', { class: 'brand', text: 'Quire', attrs: { href: '/' } })),
    h('main', { class: 'message-page', attrs: { id: 'main' } }, notice),
  )
  notice.querySelector<HTMLElement>('.notice__title')?.focus()
}
