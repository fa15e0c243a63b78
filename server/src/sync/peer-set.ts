import type { CloseCode, Role } from '@quire/shared'
import type { SyncEvents } from './events.js'

/** What a room needs of a socket: the room never sees a WebSocket. */
export interface Peer {
  readonly role: Role
  readonly canWrite: boolean
  /** Writes inside the comments (owner, edit and comment keys). */
  readonly canComment: boolean
  send(message: Uint8Array): void
  /** Checks the peer is still there; one that does not answer soon is dropped. */
  probe(): void
  /** Closes with `code`, and its standard reason unless `detail` says more. */
  close(code: CloseCode, detail?: string): void
  /** The link epoch its key was minted for (none for an owner key): a rotation stops its writes. */
  readonly keyEpoch?: number
}

/** A room's peers: who is there, what is sent to all of them, and closing those a rule picks. */
export class PeerSet<P extends Pick<Peer, 'send' | 'close'>> implements Iterable<P> {
  readonly #peers = new Set<P>()
  readonly #events: SyncEvents

  constructor(events: SyncEvents) {
    this.#events = events
  }

  add(peer: P): void {
    this.#peers.add(peer)
  }

  delete(peer: P): boolean {
    return this.#peers.delete(peer)
  }

  has(peer: P): boolean {
    return this.#peers.has(peer)
  }

  get size(): number {
    return this.#peers.size
  }

  [Symbol.iterator](): Iterator<P> {
    return this.#peers[Symbol.iterator]()
  }

  /** Sends `message` to every peer but `except`, and counts it for metrics. */
  broadcast(kind: 'update' | 'awareness', message: Uint8Array, except?: P): void {
    let sent = 0
    for (const peer of this.#peers) {
      if (peer === except) continue
      peer.send(message)
      sent++
    }
    this.#events.relayed?.(kind, sent, message.length)
  }

  /** Closes every peer that `select` picks. */
  close(code: CloseCode, select: (peer: P) => boolean = () => true): void {
    for (const peer of [...this.#peers]) if (select(peer)) peer.close(code)
  }
}
