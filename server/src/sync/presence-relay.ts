import { PresenceStates, type PresenceLimits } from './presence.js'
import { encodeAwareness, type AwarenessEntry } from '@quire/shared'
import { decodeAwarenessUpdate } from './protocol.js'
import { RemotePresence } from './remote-presence.js'

/** What the relay needs of a peer: it may be asked whether it is still there. */
export interface PresencePeer {
  probe(): void
}

/**
 * One document's presence (names, colours, carets): who owns which client id, the changes
 * relayed to every peer (the sender too) coalesced per turn, the snapshot a joiner gets, and
 * the display name each peer announced, for the authors of the next version. In a cluster, the
 * changes of its own peers are published to the other instances, and theirs relayed here.
 */
export class PresenceRelay<P extends PresencePeer> {
  readonly #states: PresenceStates<P>
  readonly #send: (message: Uint8Array) => void
  /** Display names, read from the peers' states when they write. */
  readonly #names = new Map<P, string>()
  readonly #publish: ((entries: AwarenessEntry[]) => void) | undefined
  readonly #remote = new RemotePresence()
  #out = new Map<number, AwarenessEntry>()
  /** The changes of this instance's own peers among them: what other instances hear of. */
  #outOwn = new Map<number, AwarenessEntry>()
  #flush: NodeJS.Immediate | undefined
  #snapshot: Uint8Array | undefined

  /** `send` relays a message to every peer of the document; `publish` to the other instances. */
  constructor(limits: PresenceLimits, send: (message: Uint8Array) => void, publish?: (entries: AwarenessEntry[]) => void) {
    this.#states = new PresenceStates(limits)
    this.#send = send
    this.#publish = publish
  }

  /** Another instance's changes, relayed to this instance's peers. */
  receiveRemote(entries: readonly AwarenessEntry[], from: string): void {
    this.#relay(
      this.#remote.apply(entries, from, (clientId) => this.#states.clockOf(clientId)),
      false,
    )
  }

  /** An instance is gone: its people's states go for everyone here. */
  dropInstance(from: string): void {
    this.#relay(this.#remote.dropInstance(from), false)
  }

  join(peer: P): void {
    this.#states.join(peer)
  }

  /** The peer's states go, for everyone. */
  leave(peer: P): void {
    this.#names.delete(peer)
    this.#relay(this.#states.removePeer(peer))
  }

  /** A peer's awareness update. Throws a ProtocolError when it does not decode. */
  receive(peer: P, update: Uint8Array): void {
    const entries = decodeAwarenessUpdate(update)
    this.#probeOwners(peer, entries)
    this.#relay(this.#states.apply(peer, entries))
    this.#names.delete(peer)
  }

  /** Every live state as one message, or none when nobody announced anything. */
  snapshot(): Uint8Array | undefined {
    if (this.#states.size === 0 && this.#remote.size === 0) return undefined
    this.#snapshot ??= encodeAwareness([...this.#remote.snapshot(), ...this.#states.snapshot()])
    return this.#snapshot
  }

  /** Every live state as one message, even an empty one (the answer to a query). */
  query(): Uint8Array {
    return this.snapshot() ?? encodeAwareness([])
  }

  /** The peer that announced `clientId`, if one did. */
  ownerOf(clientId: number): P | undefined {
    return this.#states.ownerOf(clientId)
  }

  /** The display name a peer announced in its presence. */
  nameOf(peer: P): string {
    let name = this.#names.get(peer)
    if (name === undefined) {
      name =
        this.#states
          .statesOf(peer)
          .map(displayName)
          .find((found) => found !== undefined) ?? 'Anonymous'
      this.#names.set(peer, name)
    }
    return name
  }

  get size(): number {
    return this.#states.size
  }

  stop(): void {
    if (this.#flush) clearImmediate(this.#flush)
    this.#flush = undefined
  }

  /**
   * A state at the current clock or later for a client id another peer holds may be a
   * reconnected client's own, its old socket dead: probe the holder. Once it is gone, its
   * removal reaches the client, which announces itself again (see PresenceStates). Stock
   * clients also echo others' states at their clock: the holder then just answers a ping.
   */
  #probeOwners(peer: P, entries: readonly AwarenessEntry[]): void {
    for (const { clientId, clock } of entries) {
      const owner = this.#states.ownerOf(clientId)
      if (owner === undefined || owner === peer) continue
      if (clock >= this.#states.clockOf(clientId)!) owner.probe()
    }
  }

  #relay(entries: AwarenessEntry[], own = true): void {
    if (entries.length === 0) return
    this.#snapshot = undefined
    for (const entry of entries) {
      this.#out.set(entry.clientId, entry)
      if (own && this.#publish) this.#outOwn.set(entry.clientId, entry)
    }
    this.#flush ??= setImmediate(() => {
      this.#flush = undefined
      const message = encodeAwareness(this.#out.values())
      const own = [...this.#outOwn.values()]
      this.#out.clear()
      this.#outOwn.clear()
      this.#send(message)
      if (own.length > 0) this.#publish?.(own)
    })
  }
}

/** `user.name` of a presence state (JSON text), as stock editors set it. */
function displayName(state: string): string | undefined {
  try {
    const name = (JSON.parse(state) as { user?: { name?: unknown } } | null)?.user?.name
    return typeof name === 'string' && name.trim() !== '' ? name.trim().slice(0, 64) : undefined
  } catch {
    return undefined
  }
}
