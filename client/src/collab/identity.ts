/** How a person appears to the others: in the presence list and on their caret. */
export interface Identity {
  name: string
  color: string
  /** The person picked this colour: it is theirs, never changed for them. */
  colorChosen?: boolean
}

const STORAGE_KEY = 'quire.identity'
export const MAX_NAME_LENGTH = 40

/** Calm colours that carry white text and stay distinct from each other, with a name to say. */
export const IDENTITY_COLORS: readonly { value: string; name: string }[] = [
  { value: '#2f6f5e', name: 'Pine' },
  { value: '#8a4fb0', name: 'Violet' },
  { value: '#c0492f', name: 'Brick' },
  { value: '#2d6cb5', name: 'Blue' },
  { value: '#a8660d', name: 'Amber' },
  { value: '#b03a6b', name: 'Berry' },
  { value: '#4a7a1c', name: 'Moss' },
  { value: '#5b5fc7', name: 'Indigo' },
]

/** What a colour is called, for the colour picker and screen readers. */
export function colorName(color: string): string {
  return IDENTITY_COLORS.find(({ value }) => value === color.toLowerCase())?.name ?? color
}

/**
 * A colour nobody else here has, or undefined when every one is taken. `seed` (a client id)
 * spreads people who choose at the same moment over different colours.
 */
export function unusedColor(used: ReadonlySet<string>, seed: number): string | undefined {
  const free = IDENTITY_COLORS.filter(({ value }) => !used.has(value))
  return free.length > 0 ? free[Math.abs(seed) % free.length]!.value : undefined
}

const ADJECTIVES = ['Bright', 'Calm', 'Clever', 'Curious', 'Gentle', 'Brave', 'Swift', 'Quiet', 'Merry', 'Bold', 'Kind', 'Keen']
const ANIMALS = ['Otter', 'Heron', 'Fox', 'Badger', 'Owl', 'Lynx', 'Wren', 'Hare', 'Seal', 'Finch', 'Panda', 'Robin']

const HEX_COLOR = /^#[0-9a-f]{6}$/i

/** A colour safe to put in a style: a six-digit hex colour (in lower case), or undefined. */
export function safeColor(value: unknown): string | undefined {
  return typeof value === 'string' && HEX_COLOR.test(value) ? value.toLowerCase() : undefined
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
  return { name: `${pick(ADJECTIVES, random)} ${pick(ANIMALS, random)}`, color: pick(IDENTITY_COLORS, random).value }
}

/** The identity this browser remembers; a friendly random one (then remembered) the first time. */
export function loadIdentity(storage: Storage): Identity {
  try {
    const stored = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as Partial<Identity> | null
    const name = safeName(stored?.name)
    const color = safeColor(stored?.color)
    if (name && color) return stored?.colorChosen === true ? { name, color, colorChosen: true } : { name, color }
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
