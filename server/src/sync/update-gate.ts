import * as Y from 'yjs'
import { CloseCode } from '@quire/shared'
import type { RefusalReason } from './events.js'
import type { Handshakes } from './handshakes.js'
import type { UpdateMessage } from './protocol.js'
import { commentScope } from './comment-scope.js'
import { hasMissingDependency, nestsDeeperThan, structEnds, withoutClients } from './update-checks.js'

/** What the gate needs of a peer. */
export interface GatedPeer {
  readonly canWrite: boolean
  /** A peer that cannot write may still write inside the comments (a comment link). */
  readonly canComment: boolean
  probe(): void
}

/** What the gate reads of the room around it. */
export interface GateContext<P> {
  /** Whether `peer` is still one of the room's. */
  isLive(peer: P): boolean
  /** The peer that announced `client` in its presence. */
  presenceOwner(client: number): P | undefined
  /** The clock up to which the document holds, or will once written, a client's structs. */
  known(client: number): number
  doc(): Y.Doc
  /** Whether `bytes` more keep the document within its size limit (see Compaction.makeRoomFor). */
  makeRoomFor(bytes: number): boolean
  /** An update was refused or trimmed, for metrics. */
  refused(reason: RefusalReason): void
}

export interface GateLimits {
  maxNestingDepth: number
  /** Client ids one peer may write under (and announce presence for). */
  maxClientIdsPerPeer: number
}

/** What becomes of an update: taken (maybe trimmed), dropped quietly, or refused with a close. */
export type Verdict = { taken: true; update: Uint8Array; ends: Map<number, number> } | { taken: false; close?: { code: CloseCode; detail?: string } }

const DROPPED: Verdict = { taken: false }

/** Items a commenter's update may insert and delete: checking each costs a walk up its types. */
const MAX_COMMENT_ITEMS = 100_000

/**
 * Decides whether a peer's update may be written, before anything is stored:
 *
 * - A viewer's writes are dropped: never applied, stored or relayed. So are a commenter's, unless
 *   everything an update changes lies inside the comments (see comment-scope.ts); one that
 *   builds on its own comments still being written counts as inside, one that builds on
 *   someone else's not yet written closes the socket, whose next sync sends it again.
 * - A client id belongs to the live peer that announced it or first wrote under it. Structs
 *   under another live peer's id would let an editor pre-empt a victim's next clocks, and the
 *   two would never converge again: they are dropped from the update, live or sync step 2
 *   (after a server restore, every client's holds everyone's content). The owner is probed, as
 *   it may be this client's own dead socket, and once it leaves the peer is asked again.
 * - An update that depends on content the document does not have would stay pending in Yjs
 *   forever; it is refused, and the client's next sync sends what is missing. When that next
 *   sync is already on its way (see Handshakes.willResend), a live update is dropped.
 * - Nesting deeper than the limit is refused: Yjs deletes nested types recursively.
 * - A peer writes under a bounded number of client ids.
 * - A write that would pass the document's size limit closes the socket with 4413.
 */
export class UpdateGate<P extends GatedPeer> {
  readonly #context: GateContext<P>
  readonly #handshakes: Handshakes<P>
  readonly #limits: GateLimits
  /** Client ids bound to the peer that first wrote under them. */
  readonly #authors = new Map<number, P>()
  /** Per client id of a commenter: the clock up to which its comments taken are still being written. */
  readonly #pendingComments = new Map<number, number>()

  constructor(context: GateContext<P>, handshakes: Handshakes<P>, limits: GateLimits) {
    this.#context = context
    this.#handshakes = handshakes
    this.#limits = limits
  }

  check(peer: P, message: UpdateMessage): Verdict {
    let { update, decoded } = message
    if (isEmptyUpdate(update)) return DROPPED
    if (!peer.canWrite && !peer.canComment) return this.#drop('read_only')
    let ends = structEnds(decoded)
    const foreign = this.#foreignClients(peer, ends.keys())
    if (foreign.length > 0) {
      this.#context.refused('foreign_client')
      update = withoutClients(update, foreign)
      if (isEmptyUpdate(update)) return DROPPED
      decoded = Y.decodeUpdate(update)
      ends = structEnds(decoded)
    }
    if (hasMissingDependency(decoded, (client) => this.#context.known(client))) {
      // What a live update depends on comes with the peer's next step 2: the one it owes (a
      // client that types as soon as it connects sends that update ahead of it), or the one
      // it will be asked for once the owner of its dropped structs leaves. A step 2 is still
      // refused: after a restore, two clients whose texts interleave would otherwise each
      // wait for the other to leave; the close lets one of them go.
      if (message.type === 'update' && this.#handshakes.willResend(peer)) return this.#drop('ahead_of_sync')
      return this.#refuse('missing_dependency', CloseCode.badFrame, 'The update depends on changes the server does not have.')
    }
    if (!peer.canWrite) {
      const scope = commentScope(decoded, {
        doc: this.#context.doc(),
        pendingInComments: (id) => this.#isPendingComment(id),
        maxItems: MAX_COMMENT_ITEMS,
      })
      if (scope === 'outside') return this.#drop('outside_comments')
      if (scope === 'unknown') return this.#refuse('missing_dependency', CloseCode.badFrame, 'The update builds on changes still being written.')
    }
    if (nestsDeeperThan(decoded, this.#context.doc(), this.#limits.maxNestingDepth)) {
      return this.#refuse('too_deep', CloseCode.badFrame, 'The update nests elements too deeply.')
    }
    if (message.type === 'update' && !this.#bind(peer, [...ends.keys()])) {
      return this.#refuse('too_many_clients', CloseCode.badFrame, 'The update writes under too many client ids.')
    }
    if (hasStructs(update) && !this.#context.makeRoomFor(update.length)) return this.#refuse('too_large', CloseCode.documentTooLarge)
    if (!peer.canWrite) this.#noteComments(ends)
    return { taken: true, update, ends }
  }

  /** A commenter's structs were taken: until they are in the document, they are known to be comments. */
  #noteComments(ends: Map<number, number>): void {
    const doc = this.#context.doc()
    if (this.#pendingComments.size > MAX_COMMENT_ITEMS) {
      for (const [client, end] of this.#pendingComments) if (Y.getState(doc.store, client) >= end) this.#pendingComments.delete(client)
    }
    for (const [client, end] of ends) this.#pendingComments.set(client, Math.max(end, this.#pendingComments.get(client) ?? 0))
  }

  #isPendingComment({ client, clock }: { client: number; clock: number }): boolean {
    const end = this.#pendingComments.get(client)
    return end !== undefined && clock < end
  }

  /** The live peer a client id belongs to: who announced it, else who first wrote under it. */
  ownerOf(client: number): P | undefined {
    const owner = this.#context.presenceOwner(client) ?? this.#authors.get(client)
    return owner && this.#context.isLive(owner) ? owner : undefined
  }

  /** The peer left: its client ids are free again. */
  forget(peer: P): void {
    for (const [client, author] of this.#authors) if (author === peer) this.#authors.delete(client)
  }

  /** The clients another live peer owns; each owner is probed and its loss recorded. */
  #foreignClients(peer: P, clients: Iterable<number>): number[] {
    const foreign: number[] = []
    for (const client of clients) {
      const owner = this.ownerOf(client)
      if (owner === undefined || owner === peer) continue
      foreign.push(client)
      // The owner may be a dead socket of this very client, reconnected.
      owner.probe()
      this.#handshakes.lostTo(owner, peer)
    }
    return foreign
  }

  #bind(peer: P, clients: readonly number[]): boolean {
    const unbound = clients.filter((client) => this.#authors.get(client) !== peer)
    if (unbound.length === 0) return true
    let count = 0
    for (const author of this.#authors.values()) if (author === peer) count++
    if (count + unbound.length > this.#limits.maxClientIdsPerPeer) return false
    for (const client of unbound) this.#authors.set(client, peer)
    return true
  }

  #drop(reason: RefusalReason): Verdict {
    this.#context.refused(reason)
    return DROPPED
  }

  #refuse(reason: RefusalReason, code: CloseCode, detail?: string): Verdict {
    this.#context.refused(reason)
    return { taken: false, close: { code, detail } }
  }
}

/** An update with no structs and no deletions: a peer's "nothing new" sync step 2. */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0
}

/** Whether an update inserts anything (its first varUint counts the clients with structs): deletions always fit. */
function hasStructs(update: Uint8Array): boolean {
  return update[0] !== 0
}
