import type { AwarenessEntry } from './protocol.js'

export interface PresenceLimits {
  maxStateBytes: number
  maxDepth: number
  maxClientsPerPeer: number
}

interface Presence<P> {
  owner: P
  clock: number
  /** JSON text as the client sent it; never parsed again, never re-serialised. */
  state: string
}

const NULL_STATE = 'null'

/**
 * The awareness states of one document's peers (names, colours, carets), with ownership: a
 * peer may set or remove only the client ids it announced itself, and a peer's states go
 * when the peer goes. States stay the JSON text the client sent, so no state can poison the
 * snapshot that later joiners receive.
 */
export class PresenceStates<P> {
  readonly #states = new Map<number, Presence<P>>()
  readonly #owned = new Map<P, Set<number>>()
  readonly #limits: PresenceLimits

  constructor(limits: PresenceLimits) {
    this.#limits = limits
  }

  /** Applies a peer's entries and returns the ones accepted, to relay to every peer. */
  apply(peer: P, entries: readonly AwarenessEntry[]): AwarenessEntry[] {
    const accepted: AwarenessEntry[] = []
    for (const entry of entries) {
      if (this.#accept(peer, entry)) accepted.push(entry)
    }
    return accepted
  }

  /** Forgets every state `peer` announced; returns the removals to relay. */
  removePeer(peer: P): AwarenessEntry[] {
    const ids = this.#owned.get(peer)
    if (!ids) return []
    this.#owned.delete(peer)
    const removals: AwarenessEntry[] = []
    for (const clientId of ids) {
      const presence = this.#states.get(clientId)
      this.#states.delete(clientId)
      if (presence && presence.state !== NULL_STATE) {
        removals.push({ clientId, clock: presence.clock + 1, state: NULL_STATE })
      }
    }
    return removals
  }

  /** Every live state: what a joiner receives. */
  snapshot(): AwarenessEntry[] {
    const entries: AwarenessEntry[] = []
    for (const [clientId, { clock, state }] of this.#states) {
      if (state !== NULL_STATE) entries.push({ clientId, clock, state })
    }
    return entries
  }

  /** The states `peer` announced, as JSON text. */
  statesOf(peer: P): string[] {
    return [...(this.#owned.get(peer) ?? [])].map((clientId) => this.#states.get(clientId)?.state ?? NULL_STATE)
  }

  /** The peer that announced `clientId`, if one did. */
  ownerOf(clientId: number): P | undefined {
    return this.#states.get(clientId)?.owner
  }

  get size(): number {
    return this.#states.size
  }

  #accept(peer: P, { clientId, clock, state }: AwarenessEntry): boolean {
    // The removal the server sends when the peer leaves is clock + 1: keep that safe.
    if (!Number.isSafeInteger(clock + 1)) return false
    const current = this.#states.get(clientId)
    if (current) {
      if (current.owner !== peer) return false
      const newer = clock > current.clock || (clock === current.clock && state === NULL_STATE)
      if (!newer || !this.#isValidState(state)) return false
      current.clock = clock
      current.state = state
      return true
    }
    // A removal of a state nobody holds changes nothing; only announcements claim an id.
    if (state === NULL_STATE || !this.#isValidState(state)) return false
    let owned = this.#owned.get(peer)
    if (!owned) {
      owned = new Set()
      this.#owned.set(peer, owned)
    }
    if (owned.size >= this.#limits.maxClientsPerPeer) return false
    owned.add(clientId)
    this.#states.set(clientId, { owner: peer, clock, state })
    return true
  }

  #isValidState(state: string): boolean {
    if (Buffer.byteLength(state) > this.#limits.maxStateBytes) return false
    if (jsonDepth(state) > this.#limits.maxDepth) return false
    try {
      JSON.parse(state)
      return true
    } catch {
      return false
    }
  }
}

/** The deepest nesting of objects and arrays in JSON text, without parsing it. */
export function jsonDepth(json: string): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i)
    if (inString) {
      if (c === 0x5c /* \ */) i++
      else if (c === 0x22 /* " */) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) deepest = Math.max(deepest, ++depth)
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--
  }
  return deepest
}
