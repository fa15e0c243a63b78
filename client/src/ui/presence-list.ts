import type { Awareness } from 'y-protocols/awareness'
import { safeColor, safeName } from '../collab/identity.js'
import { h } from './dom.js'

/** How many people are shown by name before the rest are counted. */
const SHOWN_PEOPLE = 6
const FALLBACK_COLOR = '#6b7280'

interface Person {
  clientId: number
  name: string
  color: string
  self: boolean
}

function peopleOf(awareness: Awareness): Person[] {
  const people: Person[] = []
  for (const [clientId, state] of awareness.getStates()) {
    const user = (state as { user?: { name?: unknown; color?: unknown } }).user
    if (!user) continue
    people.push({
      clientId,
      name: safeName(user.name) ?? 'Anonymous',
      color: safeColor(user.color) ?? FALLBACK_COLOR,
      self: clientId === awareness.clientID,
    })
  }
  return people.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name))
}

/**
 * Who is here: a chip per person with their colour and name. Names come from other people,
 * so they are set as text and colours only as validated hex values.
 */
export function createPresenceList(awareness: Awareness): { element: HTMLElement; destroy(): void } {
  const list = h('ul', { class: 'presence', attrs: { 'aria-label': 'People here' } })
  const render = () => {
    const people = peopleOf(awareness)
    const items = people.slice(0, SHOWN_PEOPLE).map((person) => {
      const dot = h('span', { class: 'presence__dot', attrs: { 'aria-hidden': 'true' } })
      dot.style.backgroundColor = person.color
      return h(
        'li',
        { class: `presence__person${person.self ? ' presence__person--self' : ''}`, attrs: { 'data-client-id': person.clientId } },
        dot,
        h('span', { class: 'presence__name', text: person.self ? `${person.name} (you)` : person.name }),
      )
    })
    if (people.length > SHOWN_PEOPLE) {
      const more = people.length - SHOWN_PEOPLE
      items.push(h('li', { class: 'presence__more', text: `+${more}`, attrs: { title: `${more} more` } }))
    }
    list.replaceChildren(...items)
  }
  awareness.on('change', render)
  render()
  return { element: list, destroy: () => awareness.off('change', render) }
}
