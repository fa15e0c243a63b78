import { ROLES, type Role } from '@quire/shared'
import { ApiClient } from '../api/api-client.js'
import { parseDocLink } from '../collab/link-key.js'
import { RecentDocs, type RecentDoc } from '../collab/recent-docs.js'
import { h } from '../ui/dom.js'

const ROLE_NAMES = { owner: 'Owner', edit: 'Can edit', comment: 'Can comment', view: 'View only' } as const

function timeAgo(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000)
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ]
  for (const [unit, size] of units) if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit)
  return format.format(0, 'minute')
}

/** The most capable link this browser has for a document, as a same-origin address. */
function bestLink(doc: RecentDoc): { href: string; role: Role } | undefined {
  for (const role of ROLES) {
    const link = doc.links[role]
    if (link === undefined || parseDocLink(link)?.key === undefined) continue
    const url = new URL(link)
    return { href: url.pathname + url.hash, role }
  }
  return undefined
}

/** A document of the list, with its best link; without one (every link this browser had was revoked), said so. */
function recentItem(doc: RecentDoc, onForget: () => void): HTMLElement {
  const link = bestLink(doc)
  const title = doc.title || 'Untitled'
  return h(
    'li',
    { class: 'recent__item' },
    link ? h('a', { class: 'recent__link', text: title, attrs: { href: link.href } }) : h('span', { class: 'recent__link recent__link--gone', text: title }),
    link ? h('span', { class: `badge badge--${link.role}`, text: ROLE_NAMES[link.role] }) : h('span', { class: 'badge badge--revoked', text: 'Link revoked' }),
    h('span', { class: 'recent__time', text: `opened ${timeAgo(doc.openedAt)}` }),
    h('button', {
      class: 'button button--quiet recent__forget',
      text: 'Remove',
      attrs: { type: 'button', 'aria-label': `Remove “${title}” from this list` },
      on: { click: onForget },
    }),
  )
}

/** The home page: a new document, and the documents this browser has opened. */
export function showHomePage(app: HTMLElement): void {
  document.title = 'Quire'
  const recent = new RecentDocs(localStorage)
  const api = new ApiClient(location.origin)
  const error = h('p', { class: 'field__error', attrs: { role: 'alert' } })
  const create = h('button', { class: 'button button--primary button--large', text: 'New document', attrs: { type: 'button' } })
  create.addEventListener('click', async () => {
    create.disabled = true
    error.textContent = ''
    try {
      const created = await api.createDoc()
      recent.remember(created.id, { title: created.title, links: created.links })
      const owner = new URL(created.links.owner)
      location.assign(owner.pathname + owner.hash)
    } catch (failure) {
      error.textContent = failure instanceof Error ? failure.message : 'The document could not be created.'
      create.disabled = false
    }
  })

  const list = h('ul', { class: 'recent__list' })
  const empty = h('p', { class: 'recent__empty', text: 'Documents you create or open appear here, with their links (kept in this browser only).' })
  const render = () => {
    const items = recent.list().map((doc) =>
      recentItem(doc, () => {
        recent.forget(doc.id)
        render()
        create.focus()
      }),
    )
    list.replaceChildren(...items)
    empty.hidden = list.childElementCount > 0
  }
  render()

  app.replaceChildren(
    h(
      'header',
      { class: 'site-header' },
      h('span', { class: 'brand' }, h('span', { class: 'brand__mark', attrs: { 'aria-hidden': 'true' } }), h('span', { class: 'brand__text', text: 'Quire' })),
    ),
    h(
      'main',
      { class: 'home', attrs: { id: 'main' } },
      h(
        'section',
        { class: 'home__intro' },
        h('h1', { class: 'home__title', text: 'Write together.' }),
        h('p', {
          class: 'home__lead',
          text: 'Start a document and share its link: everyone with it writes at the same time, and nothing is lost when the connection drops.',
        }),
        create,
        error,
      ),
      h(
        'section',
        { class: 'recent', attrs: { 'aria-labelledby': 'recent-title' } },
        h('h2', { class: 'recent__title', text: 'Recent documents', attrs: { id: 'recent-title' } }),
        empty,
        list,
      ),
    ),
  )
}
