import * as Y from 'yjs'
import { CloseCode, type AwarenessEntry } from '@quire/shared'
import type { Log } from '../logger.js'
import type { DocMeta, DocStore } from '../storage/doc-store.js'
import type { VersionKeeper, VersionPolicy } from '../versions/version-keeper.js'
import { refusalOf, type JoiningPeer, type Refusal } from './admission.js'
import type { SyncEvents } from './events.js'
import { DocumentMissingError, openRoom } from './open-room.js'
import type { UpdateWriter } from './pending-writes.js'
import type { Peer, Room, RoomLimits } from './room.js'

export interface RoomsOptions {
  store: DocStore
  writer: UpdateWriter
  limits: RoomLimits & { maxPeersPerRoom: number }
  versions: VersionPolicy
  unloadGraceMs: number
  log: Log
  events: SyncEvents
  /** The other instances, in the cluster mode (see Cluster). */
  cluster?: RoomsCluster
}

/** What the rooms tell the other instances of a cluster, and ask of them. */
export interface RoomsCluster {
  /** A document starts loading: messages about it are kept from now on, until `loaded`. */
  loading(id: string): void
  loaded(room: Room): void
  unloaded(id: string): void
  written(id: string, seq: number, updates: Uint8Array[], author: string): void
  presence(id: string, entries: AwarenessEntry[]): void
  rotated(id: string, epoch: number): void
  deleted(id: string): void
  /** Whether this instance takes the automatic versions of `id` now (one instance at a time does). */
  keepsVersions(id: string): Promise<boolean>
}

interface Slot {
  room: Room | undefined
  loading: Promise<Room> | undefined
  /** Sockets and API calls using the room; at zero the room may unload. */
  holders: number
  unloadTimer: NodeJS.Timeout | undefined
  /** The newest link epoch a rotation set while the room loaded: its load may have read an older one. */
  rotatedTo: number
}

/**
 * The open documents, each a room with its version keeper beside it. A document loads once
 * however many sockets arrive while it loads, and unloads (flushed, its version taken,
 * compacted, released) a grace period after its last holder let go. The HTTP layer goes
 * through here for everything that touches a room: joining, rotating links, deleting.
 */
export class Rooms {
  readonly #slots = new Map<string, Slot>()
  /** Documents being removed: nobody may open them meanwhile. */
  readonly #removing = new Set<string>()
  /** Each room's version keeper, beside it. */
  readonly #versions = new WeakMap<Room, VersionKeeper>()
  readonly #options: RoomsOptions
  /** How often a room was loaded and unloaded, for tests and metrics. */
  readonly stats = { loads: 0, unloads: 0 }

  constructor(options: RoomsOptions) {
    this.#options = options
  }

  /**
   * Joins a socket to its document, loading it if needed. A key of an older epoch than the
   * room's (links rotated meanwhile, even while it loaded) is refused, as is a full room.
   */
  async join(id: string, peer: JoiningPeer, keyEpoch: number): Promise<Room | Refusal> {
    let room: Room
    try {
      room = await this.acquire(id)
    } catch (error) {
      if (error instanceof DocumentMissingError) return 'gone'
      this.#options.log.error({ err: error, docId: id }, 'could not load the document')
      return 'unavailable'
    }
    const refusal = refusalOf(room, peer, keyEpoch, this.#options.limits.maxPeersPerRoom)
    if (refusal) {
      this.release(room)
      return refusal
    }
    room.join(peer)
    return room
  }

  /** A joined socket closed. */
  leave(room: Room, peer: Peer): void {
    room.leave(peer)
    this.release(room)
  }

  /** The room of `id`, loading it if needed; every acquire needs its release. */
  acquire(id: string): Promise<Room> {
    if (this.#removing.has(id)) return Promise.reject(new DocumentMissingError(id))
    let slot = this.#slots.get(id)
    if (!slot) {
      slot = { room: undefined, loading: undefined, holders: 0, unloadTimer: undefined, rotatedTo: 0 }
      this.#slots.set(id, slot)
    }
    slot.holders++
    clearTimeout(slot.unloadTimer)
    slot.unloadTimer = undefined
    if (slot.room) return Promise.resolve(slot.room)
    slot.loading ??= this.#load(id, slot)
    return slot.loading
  }

  release(room: Room): void {
    const slot = this.#slots.get(room.id)
    if (!slot || slot.room !== room) return
    slot.holders--
    if (slot.holders === 0) this.#scheduleUnload(room.id, slot)
  }

  /**
   * The link epoch of a document open here, as current as the store's: a rotation raises it
   * before it returns, and a join checks it again. Not in the cluster mode, where another
   * instance may have rotated a moment ago.
   */
  heldEpoch(id: string): number | undefined {
    return this.#options.cluster ? undefined : this.#slots.get(id)?.room?.epoch
  }

  /** A loaded room, without loading it. */
  get(id: string): Room | undefined {
    return this.#slots.get(id)?.room
  }

  get size(): number {
    return this.#slots.size
  }

  /** Runs `use` with the room of `id` and its versions, held for the duration. */
  async with<T>(id: string, use: (room: Room, versions: VersionKeeper) => T | Promise<T>): Promise<T> {
    const room = await this.acquire(id)
    try {
      return await use(room, this.#versions.get(room)!)
    } finally {
      this.release(room)
    }
  }

  /** The document's whole state, as one update. */
  state(id: string): Promise<Uint8Array> {
    return this.with(id, (room) => Y.encodeStateAsUpdate(room.doc))
  }

  /**
   * Rotates a document's links: its epoch goes up in the store, the sockets of older edit and
   * view keys close with 4401, and a room still loading takes the new epoch, whatever its load
   * read. Returns the new epoch.
   */
  async rotate(meta: DocMeta): Promise<number> {
    const epoch = meta.epoch + 1
    await this.#options.store.putMeta({ ...meta, epoch })
    this.rotatedElsewhere(meta.id, epoch)
    this.#options.cluster?.rotated(meta.id, epoch)
    return epoch
  }

  /** The links were rotated to `epoch` (by another instance, or here): older keys' sockets close. */
  rotatedElsewhere(id: string, epoch: number): void {
    const slot = this.#slots.get(id)
    if (!slot) return
    slot.rotatedTo = Math.max(slot.rotatedTo, epoch)
    if (!slot.room || slot.room.epoch >= epoch) return
    slot.room.epoch = epoch
    slot.room.closePeers(CloseCode.keyRevoked, (peer) => peer.role !== 'owner')
  }

  /** Another instance deleted the document: its sockets here close with 4404, its room goes. */
  deletedElsewhere(id: string): void {
    const slot = this.#slots.get(id)
    if (!slot) return
    this.#slots.delete(id)
    clearTimeout(slot.unloadTimer)
    this.#options.cluster?.unloaded(id)
    void (slot.room ? Promise.resolve(slot.room) : slot.loading?.catch(() => undefined))?.then((room) => {
      if (!room) return
      room.closePeers(CloseCode.documentDeleted)
      this.#destroy(room)
    })
  }

  /** The rooms loaded now. */
  loaded(): Room[] {
    return [...this.#slots.values()].flatMap(({ room }) => (room ? [room] : []))
  }

  /**
   * Deletes a document: its sockets close with 4404, its room is written and dropped, then
   * what is stored goes, while nobody may open it.
   */
  async delete(id: string): Promise<void> {
    this.#removing.add(id)
    try {
      const slot = this.#slots.get(id)
      if (slot) {
        this.#slots.delete(id)
        clearTimeout(slot.unloadTimer)
        const room = slot.room ?? (await slot.loading?.catch(() => undefined))
        if (room) {
          room.closePeers(CloseCode.documentDeleted)
          await room.idle()
          this.#destroy(room)
        }
        this.#options.cluster?.unloaded(id)
      }
      await this.#options.store.deleteDoc(id)
      this.#options.cluster?.deleted(id)
    } finally {
      this.#removing.delete(id)
    }
  }

  /** Server shutdown: every socket is told (1001), every room written and compacted. */
  async shutdown(): Promise<void> {
    const slots = [...this.#slots.values()]
    this.#slots.clear()
    await Promise.all(
      slots.map(async (slot) => {
        clearTimeout(slot.unloadTimer)
        const room = slot.room ?? (await slot.loading?.catch(() => undefined))
        if (!room) return
        room.closePeers(CloseCode.shuttingDown)
        await this.#settle(room)
        this.#destroy(room)
      }),
    )
  }

  async #load(id: string, slot: Slot): Promise<Room> {
    const started = performance.now()
    const { events, cluster } = this.#options
    // Before the reads: what other instances write meanwhile is kept, and applied after them.
    cluster?.loading(id)
    try {
      const { room, versions, epoch } = await openRoom(id, this.#options)
      this.#versions.set(room, versions)
      room.epoch = Math.max(epoch, slot.rotatedTo)
      slot.room = room
      this.stats.loads++
      events.roomLoaded?.((performance.now() - started) / 1000)
      cluster?.loaded(room)
      // Everyone who waited may have left while it loaded.
      if (slot.holders === 0) this.#scheduleUnload(id, slot)
      return room
    } catch (error) {
      if (this.#slots.get(id) === slot) this.#slots.delete(id)
      cluster?.unloaded(id)
      throw error
    } finally {
      slot.loading = undefined
    }
  }

  #scheduleUnload(id: string, slot: Slot): void {
    clearTimeout(slot.unloadTimer)
    slot.unloadTimer = setTimeout(() => void this.#unload(id, slot), this.#options.unloadGraceMs)
  }

  async #unload(id: string, slot: Slot): Promise<void> {
    slot.unloadTimer = undefined
    const room = slot.room
    if (!room || slot.holders > 0) return
    await this.#settle(room)
    // Someone may have come back while it was compacting.
    if (slot.holders > 0 || this.#slots.get(id) !== slot) return
    this.#slots.delete(id)
    this.#destroy(room)
    this.#options.cluster?.unloaded(id)
    this.stats.unloads++
    this.#options.events.roomUnloaded?.()
  }

  /** Writes what the room has queued, takes a version of what changed, and compacts its log. */
  async #settle(room: Room): Promise<void> {
    try {
      await room.flushed()
      await this.#versions.get(room)?.flush()
      await room.compact()
    } catch (error) {
      this.#options.log.error({ err: error, docId: room.id }, 'could not settle the room')
    }
  }

  #destroy(room: Room): void {
    this.#versions.get(room)?.destroy()
    room.destroy()
  }
}
