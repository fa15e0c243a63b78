import type { Status } from '../collab/save-status.js'
import { h } from './dom.js'

/** The connection and saving status, announced politely to screen readers when it changes. */
export function createStatusBadge(initial: Status): { element: HTMLElement; show(status: Status): void } {
  const label = h('span', { class: 'status__label' })
  const element = h('p', { class: 'status', attrs: { role: 'status' } }, h('span', { class: 'status__dot', attrs: { 'aria-hidden': 'true' } }), label)
  const show = (status: Status) => {
    element.dataset.status = status.kind
    label.textContent = status.label
  }
  show(initial)
  return { element, show }
}
