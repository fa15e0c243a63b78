/** How a person appears to the others: in the presence list and on their caret. */
export interface Identity {
  name: string
  color: string
}

const STORAGE_KEY = 'quire.identity'
export const MAX_NAME_LENGTH = 40

/** Calm colours that carry white text and stay distinct from each other. */
const IDENTITY_COLORS = ['#2f6f5e', '#8a4fb0', '#c0492f', '#2d6cb5', '#a8660d', '#b03a6b', '#4a7a1c', '#5b5fc7'] as const

const ADJECTIVES = ['Bright', 'Calm', 'Clever', 'Curious', 'Gentle', 'Brave', 'Swift', 'Quiet', 'Merry', 'Bold', 'Kind', 'Keen']
const ANIMALS = ['Otter', 'Heron', 'Fox', 'Badger', 'Owl', 'Lynx', 'Wren', 'Hare', 'Seal', 'Finch', 'Panda', 'Robin']

const HEX_COLOR = /^#[0-9a-f]{6}$/i

/** A colour safe to put in a style: a six-digit hex colour, or undefined. */
export function safeColor(value: unknown): string | undefined {
  return typeof value === 'string' && HEX_COLOR.test(value) ? value : undefined
}

/** A name as we show it: a string, trimmed, bounded; undefined when there is none. */
export function safeName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const name = value.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME_LENGTH)
  return name === '' ? undefined : name
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!
}

function randomIdentity(random: () => number = Math.random): Identity {
  return { name: `${pick(ADJECTIVES, random)} ${pick(ANIMALS, random)}`, color: pick(IDENTITY_COLORS, random) }
}

/** The identity this browser remembers; a friendly random one (then remembered) the first time. */
export function loadIdentity(storage: Storage): Identity {
  try {
    const stored = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as Partial<Identity> | null
    const name = safeName(stored?.name)
    const color = safeColor(stored?.color)
    if (name && color) return { name, color }
  } catch {
    // Unreadable: start afresh below.
  }
  const identity = randomIdentity()
  saveIdentity(storage, identity)
  return identity
}

export function saveIdentity(storage: Storage, identity: Identity): void {
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify(identity))
  } catch {
    // Storage disabled: the name still applies for this visit.
  }
}
