import type { Awareness } from 'y-protocols/awareness'
import { safeColor, unusedColor, type Identity } from './identity.js'

interface Other {
  clientId: number
  color: string
  chosen: boolean
}

function othersOf(awareness: Awareness): Other[] {
  const others: Other[] = []
  for (const [clientId, state] of awareness.getStates()) {
    if (clientId === awareness.clientID) continue
    const user = (state as { user?: { color?: unknown; colorChosen?: unknown } }).user
    const color = safeColor(user?.color)
    if (color) others.push({ clientId, color, chosen: user?.colorChosen === true })
  }
  return others
}

/**
 * The colour this person should have among the others here: their own while nobody else has
 * it, or a colour nobody here has. Of two people with the same colour the one who picked it
 * keeps it, else the one with the lower client id, so both sides agree on who moves. Returns
 * undefined when the colour should stay.
 */
export function distinctColor(me: Identity, clientId: number, others: readonly Other[]): string | undefined {
  if (me.colorChosen) return undefined
  const color = me.color.toLowerCase()
  const keeper = others.find((other) => other.color === color && (other.chosen || other.clientId < clientId))
  if (!keeper) return undefined
  return unusedColor(new Set(others.map((other) => other.color)), clientId)
}

/**
 * Keeps this person's colour apart from everyone else's here, as people come and change
 * theirs; `change` receives the new colour. A colour the person picked is left alone.
 */
export function keepColorDistinct(awareness: Awareness, identity: () => Identity, change: (color: string) => void): () => void {
  const check = () => {
    const next = distinctColor(identity(), awareness.clientID, othersOf(awareness))
    if (next !== undefined && next !== identity().color) change(next)
  }
  awareness.on('change', check)
  check()
  return () => awareness.off('change', check)
}

/** The colours the others here have now, for the colour picker. */
export function colorsOfOthers(awareness: Awareness): Set<string> {
  return new Set(othersOf(awareness).map((other) => other.color))
}
