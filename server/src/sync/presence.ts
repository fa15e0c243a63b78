import type { AwarenessEntry } from '@quire/shared'

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
/** Departed client ids remembered per document (see #departed). */
const MAX_DEPARTED = 1_024

/**
 * The awareness states of one document's peers (names, colours, carets), with ownership: a
 * peer may set or remove only the client ids it announced itself, and a peer's states go
 * when the peer goes. States stay the JSON text the client sent, so no state can poison the
 * snapshot that later joiners receive.
 */
export class PresenceStates<P> {
  readonly #states = new Map<number, Presence<P>>()
  readonly #owned = new Map<P, Set<number>>()
  /**
   * Client ids whose peer left: when, and the clock of their removal. Stock clients echo
   * every state they hear, so a copy of a departed client's last state can come back from a
   * peer that was there: it must not claim the id (a ghost caret, and the client's own edits
   * refused as foreign). A peer that joined since, the client back on a new socket, may; and
   * a client that hears its own removal announces itself again at a later clock.
   */
  readonly #departed = new Map<number, { at: number; clock: number }>()
  /** When each peer joined, on the same count as departures. */
  readonly #joinedAt = new Map<P, number>()
  #events = 0
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

  join(peer: P): void {
    this.#joinedAt.set(peer, this.#events++)
  }

  /** Forgets every state `peer` announced; returns the removals to relay. */
  removePeer(peer: P): AwarenessEntry[] {
    this.#joinedAt.delete(peer)
    const ids = this.#owned.get(peer)
    if (!ids) return []
    this.#owned.delete(peer)
    const removals: AwarenessEntry[] = []
    for (const clientId of ids) {
      const presence = this.#states.get(clientId)
      this.#states.delete(clientId)
      if (presence) this.#depart(clientId, presence.clock + 1)
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

  /** The clock of the state held for `clientId`, if one is. */
  clockOf(clientId: number): number | undefined {
    return this.#states.get(clientId)?.clock
  }

  get size(): number {
    return this.#states.size
  }

  #depart(clientId: number, clock: number): void {
    this.#departed.delete(clientId)
    this.#departed.set(clientId, { at: this.#events++, clock })
    if (this.#departed.size > MAX_DEPARTED) this.#departed.delete(this.#departed.keys().next().value!)
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
    const departed = this.#departed.get(clientId)
    if (departed && clock <= departed.clock && (this.#joinedAt.get(peer) ?? -1) < departed.at) return false
    let owned = this.#owned.get(peer)
    if (!owned) {
      owned = new Set()
      this.#owned.set(peer, owned)
    }
    if (owned.size >= this.#limits.maxClientsPerPeer) return false
    owned.add(clientId)
    this.#states.set(clientId, { owner: peer, clock, state })
    this.#departed.delete(clientId)
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
