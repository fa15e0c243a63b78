import * as Y from 'yjs'
import { CloseCode, encodeUpdate, type AwarenessEntry } from '@quire/shared'
import type { Log } from '../logger.js'
import type { DocStore, StoredDoc } from '../storage/doc-store.js'
import { ColdStart } from './cold-start.js'
import { applyBatch, Origin } from './doc-fields.js'
import { Compaction, type CompactionLimits } from './compaction.js'
import type { SyncEvents } from './events.js'
import { Handshakes } from './handshakes.js'
import { OrderedLog, type Batch } from './ordered-log.js'
import { PeerSet, type Peer } from './peer-set.js'
import { PendingWrites, type UpdateWriter } from './pending-writes.js'
import type { PresenceLimits } from './presence.js'
import { PresenceRelay } from './presence-relay.js'
import type { ClientMessage, UpdateMessage } from './protocol.js'
import { SyncAnswers } from './sync-answers.js'
import { UpdateGate, type GateLimits } from './update-gate.js'
import { structEnds } from './update-checks.js'

export type { Peer } from './peer-set.js'

export interface RoomLimits extends GateLimits, CompactionLimits {
  presence: PresenceLimits
}

export interface RoomDeps {
  store: DocStore
  writer: UpdateWriter
  limits: RoomLimits
  log: Log
  events: SyncEvents
  /** The document changed, by these people (their display names): the version keeper listens. */
  onChange?(authors: ReadonlySet<string>): void
  /** Its own updates are on disk under `seq`: other instances hear of them (the cluster's bus). */
  onWritten?(seq: number, updates: Uint8Array[], author: string): void
  /** Its own peers' presence changed: other instances hear of it. */
  onPresence?(entries: AwarenessEntry[]): void
}

/**
 * One open document: its peers, and the path of their updates. An update is checked by the
 * gate, queued, written with the other updates of the same turn, and only then applied and
 * relayed (write before broadcast): so the Y.Doc only ever holds what is on disk, a joiner's
 * first sync never contains an update that a crash could lose, and a failed write leaves
 * nothing to roll back. The parts each do one job: ColdStart (the Y.Doc from what was stored),
 * SyncAnswers (handshake replies), Handshakes (the step 2s peers owe), PresenceRelay, UpdateGate,
 * PendingWrites (what the write queue sees) and Compaction (size and the log's folding).
 */
export class Room {
  readonly id: string
  readonly peers: PeerSet<Peer>
  /** The link epoch: edit and view keys of an older one no longer open the document. */
  epoch = 0
  readonly #deps: RoomDeps
  readonly #start: ColdStart
  readonly #answers: SyncAnswers
  readonly #handshakes = new Handshakes<Peer>()
  readonly #presence: PresenceRelay<Peer>
  readonly #writes: PendingWrites<Peer>
  readonly #log: OrderedLog<Peer>
  readonly #compaction: Compaction
  readonly #gate: UpdateGate<Peer>
  /** Peers that joined before the Y.Doc was built: they get its state vector once it is. */
  #ungreeted: Peer[] = []

  constructor(id: string, stored: StoredDoc, deps: RoomDeps) {
    this.id = id
    this.#deps = deps
    const { limits, log, events } = deps
    this.peers = new PeerSet(events)
    this.#start = new ColdStart(
      stored,
      (doc) => this.#built(doc),
      (seq, error) => log.warn({ err: error, docId: id, seq }, 'a logged update applied only in part'),
    )
    this.#answers = new SyncAnswers(() => this.doc, this.#start.storedReply, events)
    this.#presence = new PresenceRelay(limits.presence, (message) => this.peers.broadcast('awareness', message), deps.onPresence)
    this.#log = new OrderedLog<Peer>(stored.lastSeq, {
      apply: (batch, own) => this.#apply(batch, own),
      applyBase: (base) => this.#apply({ updates: [{ update: base, peer: undefined, author: '' }] }, false),
      readSince: (afterSeq) => deps.store.readSince(id, afterSeq),
      onFilled: (entries) => events.gapFilled?.(entries),
      onFillFailed: (error) => log.warn({ err: error, docId: id }, 'could not read what the document missed; trying again later'),
    })
    this.#writes = new PendingWrites<Peer>(id, deps.writer, {
      committed: (seq, updates) => {
        const written = updates.map(({ update }) => update)
        deps.onWritten?.(seq, written, updates[0]!.author)
        this.#log.take(seq, { updates }, true)
      },
      refused: (updates, why) => updates.forEach(({ peer }) => peer?.close(why === 'revoked' ? CloseCode.keyRevoked : CloseCode.documentDeleted)),
      failed: () => this.closePeers(CloseCode.storageFailure),
    })
    const state = { doc: () => this.doc, through: () => this.#log.through }
    this.#compaction = new Compaction(id, stored, state.doc, state.through, deps)
    this.#gate = new UpdateGate<Peer>(
      {
        isLive: (peer) => this.peers.has(peer),
        presenceOwner: (client) => this.#presence.ownerOf(client),
        known: (client) => Math.max(Y.getState(this.doc.store, client), this.#writes.endOf(client), this.#log.endOf(client)),
        doc: () => this.doc,
        makeRoomFor: (bytes) => this.#compaction.makeRoomFor(bytes, this.#writes.bytes),
        refused: (reason) => events.updateRefused?.(reason),
      },
      this.#handshakes,
      limits,
    )
    this.#start.start()
  }

  /** The document, built from what was stored on first use. */
  get doc(): Y.Doc {
    return this.#start.doc
  }

  #built(doc: Y.Doc): void {
    // Only now: with a listener, Yjs would encode everything it just loaded as one more update.
    doc.on('update', () => this.#answers.changed())
    const greet = this.#ungreeted
    this.#ungreeted = []
    for (const peer of greet) if (this.peers.has(peer)) this.#greet(peer)
    this.#compaction.ifDue()
  }

  /** Adds a peer and opens the handshake: our state vector, then everyone's presence. */
  join(peer: Peer): void {
    this.peers.add(peer)
    this.#presence.join(peer)
    // Asked now, greeted once the Y.Doc is built: its updates may run ahead of the answer.
    this.#handshakes.asked(peer)
    if (this.#start.built) this.#greet(peer)
    else this.#ungreeted.push(peer)
  }

  #greet(peer: Peer): void {
    peer.send(this.#answers.stateVector())
    const presence = this.#presence.snapshot()
    if (presence) peer.send(presence)
  }

  /** Removes a peer; the presence states it announced go for everyone. */
  leave(peer: Peer): void {
    if (!this.peers.delete(peer)) return
    this.#presence.leave(peer)
    this.#gate.forget(peer)
    // Their step 2 lost structs under this peer's client ids: now that it is gone, they may
    // send them (a client that reconnected while its old socket was still here, above all).
    for (const waiting of this.#handshakes.left(peer)) {
      if (!this.peers.has(waiting)) continue
      this.#handshakes.asked(waiting)
      waiting.send(this.#answers.stateVector())
    }
  }

  /** Handles one decoded message. Throws a ProtocolError for a malformed awareness payload. */
  receive(peer: Peer, message: ClientMessage): void {
    switch (message.type) {
      case 'sync-step1':
        for (const reply of this.#answers.reply(message)) peer.send(reply)
        return
      case 'sync-step2':
        this.#handshakes.answered(peer)
        this.#take(peer, message)
        return
      case 'update':
        this.#take(peer, message)
        return
      case 'awareness':
        this.#presence.receive(peer, message.update)
        return
      case 'query-awareness':
        peer.send(this.#presence.query())
        return
      case 'auth':
        return
    }
  }

  #take(peer: Peer, message: UpdateMessage): void {
    const verdict = this.#gate.check(peer, message)
    if (!verdict.taken) {
      if (verdict.close) peer.close(verdict.close.code, verdict.close.detail)
      return
    }
    const epoch = peer.role === 'owner' ? undefined : peer.keyEpoch
    this.#writes.add({ peer, update: verdict.update, origin: Origin.peer, ends: verdict.ends, author: this.#presence.nameOf(peer), epoch })
    this.#deps.events.updateReceived?.(verdict.update.length)
  }

  /**
   * Applies a change the server itself made (a restore, say), through the same path as any
   * update: written first, then applied and relayed to everyone.
   */
  async applyFromServer(update: Uint8Array, author: string): Promise<void> {
    this.#writes.add({ peer: undefined, update, origin: Origin.api, ends: structEnds(Y.decodeUpdate(update)), author, epoch: undefined })
    await this.#writes.flushed()
  }

  /** Another instance's updates, written under `seq`: applied in order with everyone's. */
  receiveRemote(seq: number, updates: readonly Uint8Array[], author: string): void {
    this.#log.take(seq, { updates: updates.map((update) => ({ update, peer: undefined, author })) }, false)
  }

  /** Another instance's presence changes, relayed to this room's peers. */
  receiveRemotePresence(entries: readonly AwarenessEntry[], from: string): void {
    this.#presence.receiveRemote(entries, from)
  }

  /** Another instance is gone: the states of its people go for this room's peers. */
  dropInstance(from: string): void {
    this.#presence.dropInstance(from)
  }

  /** The store holds the log up to `head`: what this room lacks of it is fetched. */
  caughtUpTo(head: number): void {
    this.#log.caughtUpTo(head)
  }

  /** The last seq the document holds: every entry up to it is applied. */
  get appliedSeq(): number {
    return this.#log.through
  }

  /**
   * A written entry, in seq order: relayed and applied, in that order for a lone update. Its
   * own entries count towards the next compaction; every entry towards the size.
   */
  #apply({ updates }: Batch<Peer>, own: boolean): void {
    const bytes = updates.reduce((sum, { update }) => sum + update.length, 0)
    if (own) this.#compaction.logged(bytes, updates.length)
    else this.#compaction.grew(bytes)
    this.#deps.events.entryApplied?.(own ? 'own' : 'remote')
    // A lone update is relayed as it came, now that it is on disk, before Yjs integrates it:
    // the others see a keystroke without waiting for the server's own copy. Several are
    // applied first and relayed as the one update Yjs makes of them.
    const lone = updates.length === 1 ? updates[0]! : undefined
    if (lone) this.peers.broadcast('update', encodeUpdate(lone.update), lone.peer)
    const failed = new Set<Peer>()
    const origin = !own ? Origin.fanout : updates.every(({ peer }) => peer === undefined) ? Origin.api : Origin.peer
    const change = applyBatch(
      this.doc,
      updates.map(({ update }) => update),
      origin,
      (index, error) => {
        this.#deps.log.warn({ err: error, docId: this.id }, 'an update applied only in part')
        const { peer } = updates[index]!
        if (peer) failed.add(peer)
      },
    )
    if (change) {
      const authors = new Set(updates.map(({ author }) => author).filter(Boolean))
      this.#deps.onChange?.(authors)
      if (!lone) {
        const sender = updates.every(({ peer }) => peer === updates[0]!.peer) ? updates[0]!.peer : undefined
        this.peers.broadcast('update', encodeUpdate(change), sender)
      }
    }
    for (const peer of failed) peer.close(CloseCode.badFrame, 'The update could not be applied.')
    this.#compaction.ifDue()
  }

  /** Resolves once every queued update has been written (or has failed). */
  flushed(): Promise<void> {
    return this.#writes.flushed()
  }

  /** Resolves once nothing of this room is being written: its updates nor a compaction. */
  async idle(): Promise<void> {
    await this.flushed()
    await this.#compaction.idle()
  }

  /** Folds the log into the stored base (see Compaction). */
  compact(): Promise<void> {
    return this.#compaction.compact()
  }

  get logCount(): number {
    return this.#compaction.logCount
  }

  /** Presence states held: for tests and metrics. */
  get presenceCount(): number {
    return this.#presence.size
  }

  /** Closes every peer that `select` picks. */
  closePeers(code: CloseCode, select?: (peer: Peer) => boolean): void {
    this.peers.close(code, select)
  }

  /** Gone from the rooms: it compacts nothing any more, whatever its Y.Doc holds by then. */
  destroy(): void {
    this.#compaction.stop()
    this.#log.stop()
    this.#presence.stop()
    this.#start.stop()
  }
}
