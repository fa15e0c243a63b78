import type { Log } from '../logger.js'
import * as Y from 'yjs'
import { CloseCode, type Role } from '@quire/shared'
import type { DocStore, LogAppend, LogEntry, StoredDoc } from '../storage/doc-store.js'
import { applyStored, readTitle } from './doc-fields.js'
import type { RefusalReason, SyncEvents } from './events.js'
import { VersionKeeper, type VersionPolicy } from '../versions/version-keeper.js'
import { Handshakes } from './handshakes.js'
import { EMPTY_STATE_VECTOR, knownPart, ReplyCache, type SyncReply } from './reply-cache.js'
import { PresenceStates, type PresenceLimits } from './presence.js'
import {
  decodeAwarenessUpdate,
  encodeAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  type AwarenessEntry,
  type ClientMessage,
  type SyncRequest,
  type UpdateMessage,
} from './protocol.js'
import { hasMissingDependency, nestsDeeperThan, structEnds, withoutClients } from './update-checks.js'

/**
 * The longest log a fresh joiner's reply merges. Yjs merges n updates in about n² time: 11 ms
 * for 500 typed characters, 200 ms for 4 000, while building the Y.Doc grows with n alone.
 */
const MAX_MERGED_LOG = 500
const MERGE_GROUP = 32

/** Y.mergeUpdates over groups, then over the groups' results: about n·√n work instead of n². */
function mergeInGroups(updates: Uint8Array[]): Uint8Array {
  if (updates.length <= MERGE_GROUP) return Y.mergeUpdates(updates)
  const groups: Uint8Array[] = []
  for (let i = 0; i < updates.length; i += MERGE_GROUP) groups.push(Y.mergeUpdates(updates.slice(i, i + MERGE_GROUP)))
  return Y.mergeUpdates(groups)
}

/** What a room needs of a socket: the room never sees a WebSocket. */
export interface Peer {
  readonly role: Role
  readonly canWrite: boolean
  send(message: Uint8Array): void
  /** Checks the peer is still there; one that does not answer soon is dropped. */
  probe(): void
  /** Closes with `code`, and its standard reason unless `detail` says more. */
  close(code: CloseCode, detail?: string): void
}

/** Transaction origins, so that every change is stored once and relayed to the right sockets. */
export const Origin = {
  load: 'load',
  peer: 'peer',
  api: 'api',
} as const

export interface RoomLimits {
  maxDocumentBytes: number
  maxNestingDepth: number
  /** Client ids one peer may write under (and announce presence for). */
  maxClientIdsPerPeer: number
  compactAfterUpdates: number
  compactAfterBytes: number
  presence: PresenceLimits
}

/** The group commit that writes a room's updates: see WriteQueue. */
export interface UpdateWriter {
  schedule(room: Room): void
}

export interface RoomDeps {
  store: DocStore
  writer: UpdateWriter
  limits: RoomLimits
  versions: VersionPolicy
  log: Log
  events: SyncEvents
}

interface Incoming {
  peer: Peer
  update: Uint8Array
  seq: number
  /** The end clock of each client's structs: what the document will know once it is written. */
  ends: Map<number, number>
  /** Who wrote it, by display name, for the next version's authors. */
  author: string
}

/**
 * One open document: its Y.Doc, its peers and their presence.
 *
 * The Y.Doc only ever holds what is on disk. An update from a peer is validated, queued,
 * written to the store with the other updates of the same tick, and only then applied and
 * relayed; so a joiner's first sync, answered from the Y.Doc, never contains an update that a
 * crash could lose, and a failed write leaves nothing to roll back.
 */
export class Room {
  readonly id: string
  /** Built from what was stored on first use (see #load). */
  #doc: Y.Doc | undefined
  /** What was read from the store, until the Y.Doc is built from it. */
  #unapplied: StoredDoc | undefined
  /** Gone from the rooms: it compacts nothing any more, whatever its Y.Doc holds by then. */
  #destroyed = false
  /** Peers that joined before the Y.Doc was built: they get its state vector once it is. */
  #ungreeted: Peer[] = []
  readonly peers = new Set<Peer>()
  /** The link epoch: edit and view keys of an older one no longer open the document. */
  epoch = 0
  readonly versions: VersionKeeper
  readonly #deps: RoomDeps
  readonly #presence: PresenceStates<Peer>
  readonly #handshakes = new Handshakes<Peer>()

  /** Validated updates not yet handed to the writer, then those being written. */
  #queued: Incoming[] = []
  #writing: Incoming[] = []
  #queuedBytes = 0
  /** What the queued and writing updates will add to the state vector. */
  #queuedEnds = new Map<number, number>()
  /** Client ids bound to the peer that first wrote under them (see #receiveUpdate). */
  readonly #authors = new Map<number, Peer>()
  #nextSeq = 0
  #committedSeq = -1
  /** Size of the stored base and of the log written after it: the document's size bound. */
  #baseBytes = 0
  #logBytes = 0
  #logCount = 0
  #compaction: Promise<void> | undefined
  #flushWaiters: (() => void)[] = []

  /** Encodings that stay valid until the document changes. */
  #stateVectorMessage: Uint8Array | undefined
  readonly #replies = new ReplyCache()
  #lastChange: Uint8Array | undefined

  /** Display names of the peers, read from their presence when they write. */
  readonly #names = new Map<Peer, string>()
  #presenceOut = new Map<number, AwarenessEntry>()
  #presenceFlush: NodeJS.Immediate | undefined
  #presenceMessage: Uint8Array | undefined

  constructor(id: string, stored: StoredDoc, deps: RoomDeps) {
    this.id = id
    this.#deps = deps
    this.#presence = new PresenceStates(deps.limits.presence)
    this.versions = new VersionKeeper(id, () => this.doc, deps.store, deps.versions, deps.log)
    this.#load(stored)
  }

  /** The document, built from what was stored on first use. */
  get doc(): Y.Doc {
    return this.#doc ?? this.#build()
  }

  /**
   * Takes what was stored. A fresh joiner is answered with the bytes just read, before the
   * Y.Doc is made and built from them on the next turn: the first joiners of a cold document
   * do not wait for Yjs to integrate it and encode it again. A document without a base, or
   * with a log too long to merge quickly, builds it at once.
   */
  #load(stored: StoredDoc): void {
    const { base, log } = stored
    this.#baseBytes = base?.length ?? 0
    this.#logCount = log.length
    this.#logBytes = log.reduce((sum, { update }) => sum + update.length, 0)
    this.#committedSeq = stored.lastSeq
    this.#nextSeq = this.#committedSeq + 1
    this.#unapplied = stored
    const reply = base && this.#storedReply(base, log)
    if (reply) {
      this.#replies.set(EMPTY_STATE_VECTOR, reply)
      // Unless someone needed the document sooner, or the room is gone already.
      setImmediate(() => {
        if (!this.#doc && !this.#destroyed) this.#build()
      })
    } else {
      this.#build()
    }
  }

  /**
   * The stored base and log as a fresh joiner's reply; none if the log is too long or does
   * not merge. The log, merged into one update, goes first: the client holds it pending until
   * the base comes as the sync step 2, so once it counts itself synced it holds both. Merging
   * a short log is cheap; merging the base as well costs as much as building the Y.Doc.
   */
  #storedReply(base: Uint8Array, log: readonly LogEntry[]): SyncReply | undefined {
    if (log.length === 0) return [encodeSyncStep2(base)]
    if (log.length > MAX_MERGED_LOG) return undefined
    try {
      return [encodeUpdate(mergeInGroups(log.map(({ update }) => update))), encodeSyncStep2(base)]
    } catch {
      // Applying the log reports the entry that fails.
      return undefined
    }
  }

  /** Makes the Y.Doc from the stored base and log; a log entry that fails is applied as far as it goes. */
  #build(): Y.Doc {
    const doc = new Y.Doc()
    this.#doc = doc
    const stored = this.#unapplied!
    this.#unapplied = undefined
    applyStored(doc, stored, Origin.load, (seq, error) =>
      this.#deps.log.warn({ err: error, docId: this.id, seq }, 'a logged update applied only in part'),
    )
    // Only now: with a listener, Yjs would encode everything it just loaded as one more update.
    doc.on('update', (update: Uint8Array) => {
      this.#lastChange = update
      this.#stateVectorMessage = undefined
      this.#replies.clear()
    })
    const greet = this.#ungreeted
    this.#ungreeted = []
    for (const peer of greet) if (this.peers.has(peer)) this.#greet(peer)
    this.#compactIfDue()
    return doc
  }

  /** Adds a peer and opens the handshake: our state vector, then everyone's presence. */
  join(peer: Peer): void {
    this.peers.add(peer)
    this.#presence.join(peer)
    // Asked now, greeted once the Y.Doc is built (see #load): its updates may run ahead of
    // the answer meanwhile.
    this.#handshakes.asked(peer)
    if (this.#doc) this.#greet(peer)
    else this.#ungreeted.push(peer)
  }

  #greet(peer: Peer): void {
    this.#sendStateVector(peer)
    if (this.#presence.size > 0) peer.send(this.#presenceSnapshot())
  }

  /** Sends our state vector again: the peer answers with a sync step 2 of what we lack. */
  #askForState(peer: Peer): void {
    this.#handshakes.asked(peer)
    this.#sendStateVector(peer)
  }

  #sendStateVector(peer: Peer): void {
    this.#stateVectorMessage ??= encodeSyncStep1(Y.encodeStateVector(this.doc))
    peer.send(this.#stateVectorMessage)
  }

  /** Removes a peer; the presence states it announced go for everyone. */
  leave(peer: Peer): void {
    if (!this.peers.delete(peer)) return
    this.#names.delete(peer)
    this.#relayPresence(this.#presence.removePeer(peer))
    for (const [client, author] of this.#authors) if (author === peer) this.#authors.delete(client)
    // Their step 2 lost structs under this peer's client ids: now that it is gone, they may
    // send them (a client that reconnected while its old socket was still here, above all).
    for (const waiting of this.#handshakes.left(peer)) if (this.peers.has(waiting)) this.#askForState(waiting)
  }

  /** Handles one decoded message. Throws a ProtocolError for a malformed awareness payload. */
  receive(peer: Peer, message: ClientMessage): void {
    switch (message.type) {
      case 'sync-step1':
        for (const reply of this.#syncReply(message)) peer.send(reply)
        return
      case 'sync-step2':
        this.#handshakes.answered(peer)
        this.#receiveUpdate(peer, message)
        return
      case 'update':
        this.#receiveUpdate(peer, message)
        return
      case 'awareness': {
        const entries = decodeAwarenessUpdate(message.update)
        this.#probePresenceOwners(peer, entries)
        this.#relayPresence(this.#presence.apply(peer, entries))
        this.#names.delete(peer)
        return
      }
      case 'query-awareness':
        peer.send(this.#presenceSnapshot())
        return
      case 'auth':
        return
    }
  }

  /**
   * A state at the current clock or later for a client id another live peer holds may be a
   * reconnected client's own, its old socket dead: probe the holder. Once it is gone, its
   * removal reaches the client, which announces itself again (see PresenceStates). Stock
   * clients also echo others' states at their clock: the holder then just answers a ping.
   */
  #probePresenceOwners(peer: Peer, entries: readonly AwarenessEntry[]): void {
    for (const { clientId, clock } of entries) {
      const owner = this.#presence.ownerOf(clientId)
      if (owner === undefined || owner === peer || !this.peers.has(owner)) continue
      if (clock >= this.#presence.clockOf(clientId)!) owner.probe()
    }
  }

  /** Closes every peer that `select` picks. */
  closePeers(code: CloseCode, select: (peer: Peer) => boolean = () => true): void {
    for (const peer of [...this.peers]) if (select(peer)) peer.close(code)
  }

  /**
   * Takes a peer's update, or refuses it before it is stored:
   *
   * - A client id belongs to the live peer that announced it or first wrote under it.
   *   Structs under another live peer's id would let an editor pre-empt a victim's next
   *   clocks, and the two would never converge again: they are dropped from the update, live
   *   or sync step 2 (after a server restore, every client's holds everyone's content). The
   *   owner is probed, as it may be this client's own dead socket, and once it leaves the
   *   peer is asked again for what was dropped.
   * - An update that depends on content the document does not have would stay pending in
   *   Yjs forever; it is refused, and the client's next sync sends what is missing. When that
   *   next sync is already on its way (see Handshakes.willResend), a live update is dropped.
   * - Nesting deeper than the limit is refused: Yjs deletes nested types recursively.
   */
  #receiveUpdate(peer: Peer, message: UpdateMessage): void {
    let { update, decoded } = message
    if (isEmptyUpdate(update)) return
    // A viewer's writes are dropped: never applied, stored or relayed.
    if (!peer.canWrite) return this.#refused('read_only')
    // The end clock of each client's structs: what the document will know once it is written.
    let ends = structEnds(decoded)
    const owners = new Set<Peer>()
    const foreign: number[] = []
    for (const client of ends.keys()) {
      const owner = this.#ownerOf(client)
      if (owner === undefined || owner === peer) continue
      owners.add(owner)
      foreign.push(client)
    }
    if (foreign.length > 0) {
      for (const owner of owners) {
        // The owner may be a dead socket of this very client, reconnected.
        owner.probe()
        this.#handshakes.lostTo(owner, peer)
      }
      this.#refused('foreign_client')
      update = withoutClients(update, foreign)
      if (isEmptyUpdate(update)) return
      decoded = Y.decodeUpdate(update)
      ends = structEnds(decoded)
    }
    if (hasMissingDependency(decoded, (client) => this.#known(client))) {
      // What a live update depends on comes with the peer's next step 2: the one it owes (a
      // client that types as soon as it connects sends that update ahead of it), or the one
      // it will be asked for once the owner of its dropped structs leaves. A step 2 is still
      // refused: after a restore, two clients whose texts interleave would otherwise each
      // wait for the other to leave; the close lets one of them go.
      if (message.type === 'update' && this.#handshakes.willResend(peer)) return this.#refused('ahead_of_sync')
      return this.#refuse(peer, 'missing_dependency', 'The update depends on changes the server does not have.')
    }
    if (nestsDeeperThan(decoded, this.doc, this.#deps.limits.maxNestingDepth)) {
      return this.#refuse(peer, 'too_deep', 'The update nests elements too deeply.')
    }
    if (message.type === 'update' && !this.#bindAuthor(peer, [...ends.keys()])) {
      return this.#refuse(peer, 'too_many_clients', 'The update writes under too many client ids.')
    }
    if (!this.#fits(update)) {
      peer.close(CloseCode.documentTooLarge)
      return this.#refused('too_large')
    }
    for (const [client, end] of ends) this.#queuedEnds.set(client, Math.max(end, this.#queuedEnds.get(client) ?? 0))
    this.#queued.push({ peer, update, seq: -1, ends, author: this.#nameOf(peer) })
    this.#queuedBytes += update.length
    this.#deps.events.updateReceived?.(update.length)
    this.#deps.writer.schedule(this)
  }

  #refuse(peer: Peer, reason: RefusalReason, detail: string): void {
    peer.close(CloseCode.badFrame, detail)
    this.#refused(reason)
  }

  #refused(reason: RefusalReason): void {
    this.#deps.events.updateRefused?.(reason)
  }

  /**
   * Applies a change the server itself made (a restore), through the same path as any
   * update: written first, then applied and relayed to everyone.
   */
  async applyFromServer(update: Uint8Array, author: string): Promise<void> {
    const peer: Peer = { role: 'owner', canWrite: true, send() {}, close() {}, probe() {} }
    this.#queued.push({ peer, update, seq: -1, ends: structEnds(Y.decodeUpdate(update)), author })
    this.#queuedBytes += update.length
    this.#deps.writer.schedule(this)
    await this.flushed()
  }

  /** The display name a peer announced in its presence. */
  #nameOf(peer: Peer): string {
    let name = this.#names.get(peer)
    if (name === undefined) {
      name = this.#presence.statesOf(peer).map(displayName).find((found) => found !== undefined) ?? 'Anonymous'
      this.#names.set(peer, name)
    }
    return name
  }

  /** The live peer a client id belongs to: who announced it, else who first wrote under it. */
  #ownerOf(client: number): Peer | undefined {
    const owner = this.#presence.ownerOf(client) ?? this.#authors.get(client)
    return owner && this.peers.has(owner) ? owner : undefined
  }

  #bindAuthor(peer: Peer, clients: readonly number[]): boolean {
    const unbound = clients.filter((client) => this.#authors.get(client) !== peer)
    if (unbound.length === 0) return true
    let count = 0
    for (const author of this.#authors.values()) if (author === peer) count++
    if (count + unbound.length > this.#deps.limits.maxClientIdsPerPeer) return false
    for (const client of unbound) this.#authors.set(client, peer)
    return true
  }

  /** The clock up to which the document holds, or will hold once written, a client's structs. */
  #known(client: number): number {
    return Math.max(Y.getState(this.doc.store, client), this.#queuedEnds.get(client) ?? 0)
  }

  /** Whether the document stays within its size limit with `update`; deletions always fit. */
  #fits(update: Uint8Array): boolean {
    const size = () => this.#baseBytes + this.#logBytes + this.#queuedBytes + update.length
    if (size() <= this.#deps.limits.maxDocumentBytes || !hasStructs(update)) return true
    // The log overstates the size (it keeps every keystroke): measure the real state once.
    if (this.#logCount > 0 && !this.#compaction) void this.compact()
    return size() <= this.#deps.limits.maxDocumentBytes
  }

  /** For the writer: the queued updates, as one log entry for its next batch. */
  takeQueued(): LogAppend[] {
    const taken = this.#queued
    if (taken.length === 0) return []
    this.#queued = []
    const seq = this.#nextSeq++
    for (const entry of taken) entry.seq = seq
    this.#writing.push(...taken)
    return [{ docId: this.id, seq, updates: taken.map(({ update }) => update) }]
  }

  /** For the writer: the batch is on disk, so apply it and relay what it changed. */
  committed(): void {
    const entries = this.#writing
    this.#writing = []
    if (entries.length === 0) return
    const bytes = entries.reduce((sum, { update }) => sum + update.length, 0)
    this.#queuedBytes -= bytes
    this.#logBytes += bytes
    this.#logCount += entries.length
    this.#committedSeq = entries.at(-1)!.seq

    // A lone update is relayed as it came, now that it is on disk, before Yjs integrates it:
    // the others see a keystroke without waiting for the server's own copy. Several are
    // applied first and relayed as the one update Yjs makes of them.
    const lone = entries.length === 1 ? entries[0]! : undefined
    if (lone) this.#broadcast('update', encodeUpdate(lone.update), lone.peer)
    const refused = new Set<Peer>()
    this.#lastChange = undefined
    Y.transact(
      this.doc,
      () => {
        for (const { peer, update } of entries) {
          try {
            Y.applyUpdate(this.doc, update)
          } catch (error) {
            // Valid bytes that still fail: what they changed is stored and relayed.
            this.#deps.log.warn({ err: error, docId: this.id }, 'an update applied only in part')
            refused.add(peer)
          }
        }
      },
      Origin.peer,
    )
    const change = this.#lastChange
    if (change) {
      this.versions.changed(new Set(entries.map(({ author }) => author)))
      if (!lone) {
        const sender = entries.every(({ peer }) => peer === entries[0]!.peer) ? entries[0]!.peer : undefined
        this.#broadcast('update', encodeUpdate(change), sender)
      }
    }
    for (const peer of refused) peer.close(CloseCode.badFrame, 'The update could not be applied.')
    this.#recountQueuedEnds()
    this.#compactIfDue()
    this.#settle()
  }

  /** For the writer: the batch failed, so nothing of it was applied or relayed. */
  failed(): void {
    this.#writing = []
    this.#queued = []
    this.#queuedBytes = 0
    this.#nextSeq = this.#committedSeq + 1
    this.#queuedEnds.clear()
    this.closePeers(CloseCode.storageFailure)
    this.#settle()
  }

  /** Once written, updates are in the Y.Doc's own state vector; only the queue counts on. */
  #recountQueuedEnds(): void {
    this.#queuedEnds.clear()
    for (const { ends } of this.#queued) {
      for (const [client, end] of ends) this.#queuedEnds.set(client, Math.max(end, this.#queuedEnds.get(client) ?? 0))
    }
  }

  /** Resolves once every queued update has been written (or has failed). */
  flushed(): Promise<void> {
    if (this.#queued.length === 0 && this.#writing.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.#flushWaiters.push(resolve))
  }

  /** Resolves once nothing of this room is being written: its updates nor a compaction. */
  async idle(): Promise<void> {
    await this.flushed()
    await this.#compaction
  }

  #settle(): void {
    if (this.#queued.length > 0 || this.#writing.length > 0) return
    const waiters = this.#flushWaiters
    this.#flushWaiters = []
    for (const resolve of waiters) resolve()
  }

  /** Presence states held: for tests and metrics. */
  get presenceCount(): number {
    return this.#presence.size
  }

  get logCount(): number {
    return this.#logCount
  }

  /**
   * Replaces the stored base with the current state and drops the log it covers, in one
   * atomic write. The Y.Doc holds exactly what is committed, so its state covers the log up
   * to the last committed update, and updates still being written stay in the log.
   */
  compact(): Promise<void> {
    if (this.#compaction) return this.#compaction.then(() => this.compact())
    if (this.#logCount === 0 || this.#destroyed) return Promise.resolve()
    const state = Y.encodeStateAsUpdate(this.doc)
    const covered = { base: this.#baseBytes, log: this.#logBytes, count: this.#logCount }
    this.#baseBytes = state.length
    this.#logBytes = 0
    this.#logCount = 0
    this.#compaction = this.#deps.store
      .compact(this.id, state, this.#committedSeq, readTitle(this.doc))
      .then(
        () => {
          this.#deps.events.compacted?.()
          return true
        },
        (error: unknown) => {
          this.#deps.log.error({ err: error, docId: this.id }, 'compaction failed; the log is kept')
          this.#baseBytes = covered.base
          this.#logBytes += covered.log
          this.#logCount += covered.count
          return false
        },
      )
      .then((written) => {
        this.#compaction = undefined
        // The log may have passed the threshold again while this one was written.
        if (written) this.#compactIfDue()
      })
    return this.#compaction
  }

  #compactIfDue(): void {
    const { compactAfterUpdates, compactAfterBytes } = this.#deps.limits
    if (this.#compaction) return
    if (this.#logCount >= compactAfterUpdates || this.#logBytes >= compactAfterBytes) void this.compact()
  }

  /**
   * Answers a step 1 from the part of its state vector the document knows (a fresh joiner's
   * needs no Y.Doc). Joiners with the same known state share one encoding.
   */
  #syncReply({ vector }: SyncRequest): SyncReply {
    const stateVector = vector.size === 0 ? EMPTY_STATE_VECTOR : knownPart(vector, this.doc)
    const { reply, cached } = this.#replies.reply(stateVector, () => [encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, stateVector))])
    this.#deps.events.syncReplied?.(cached ? 'cached' : 'encoded')
    return reply
  }

  #presenceSnapshot(): Uint8Array {
    this.#presenceMessage ??= encodeAwareness(this.#presence.snapshot())
    return this.#presenceMessage
  }

  /** Relays presence changes to every peer, the sender too, coalesced per tick. */
  #relayPresence(entries: AwarenessEntry[]): void {
    if (entries.length === 0) return
    this.#presenceMessage = undefined
    for (const entry of entries) this.#presenceOut.set(entry.clientId, entry)
    this.#presenceFlush ??= setImmediate(() => {
      this.#presenceFlush = undefined
      const message = encodeAwareness(this.#presenceOut.values())
      this.#presenceOut.clear()
      this.#broadcast('awareness', message)
    })
  }

  #broadcast(kind: 'update' | 'awareness', message: Uint8Array, except?: Peer): void {
    let sent = 0
    for (const peer of this.peers) {
      if (peer === except) continue
      peer.send(message)
      sent++
    }
    this.#deps.events.relayed?.(kind, sent, message.length)
  }

  destroy(): void {
    this.#destroyed = true
    this.versions.destroy()
    if (this.#presenceFlush) clearImmediate(this.#presenceFlush)
    this.#presenceFlush = undefined
    this.#doc?.destroy()
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

/** An update with no structs and no deletions: a peer's "nothing new" sync step 2. */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length === 2 && update[0] === 0 && update[1] === 0
}

/** Whether an update inserts anything (its first varUint counts the clients with structs). */
function hasStructs(update: Uint8Array): boolean {
  return update[0] !== 0
}
