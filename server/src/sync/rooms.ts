import type { Log } from '../logger.js'
import { CloseCode } from '@quire/shared'
import type { DocStore } from '../storage/doc-store.js'
import type { SyncEvents } from './events.js'
import type { VersionPolicy } from '../versions/version-keeper.js'
import { Room, type RoomLimits, type UpdateWriter } from './room.js'

export interface RoomsOptions {
  store: DocStore
  writer: UpdateWriter
  limits: RoomLimits
  versions: VersionPolicy
  unloadGraceMs: number
  log: Log
  events: SyncEvents
}

/** The document has no metadata (it never existed, or it was deleted). */
export class DocumentMissingError extends Error {
  override name = 'DocumentMissingError'
  constructor(id: string) {
    super(`document ${id} does not exist`)
  }
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
 * The open documents. A document loads once however many sockets arrive while it loads, and
 * unloads (flushed, compacted, released) a grace period after its last holder let go.
 */
export class Rooms {
  readonly #slots = new Map<string, Slot>()
  /** Documents being removed: nobody may open them meanwhile. */
  readonly #removing = new Set<string>()
  readonly #options: RoomsOptions
  /** How often a room was loaded and unloaded, for tests and metrics. */
  readonly stats = { loads: 0, unloads: 0 }

  constructor(options: RoomsOptions) {
    this.#options = options
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

  /** A loaded room, without loading it. */
  get(id: string): Room | undefined {
    return this.#slots.get(id)?.room
  }

  get size(): number {
    return this.#slots.size
  }

  /** Runs `use` with the room of `id`, held for the duration. */
  async with<T>(id: string, use: (room: Room) => T | Promise<T>): Promise<T> {
    const room = await this.acquire(id)
    try {
      return await use(room)
    } finally {
      this.release(room)
    }
  }

  async #load(id: string, slot: Slot): Promise<Room> {
    const started = performance.now()
    try {
      const { store, writer, limits, versions, log, events } = this.#options
      // Both at once: a cold store answers each read from another thread.
      const [meta, stored] = await Promise.all([store.getMeta(id), store.loadDoc(id)])
      if (!meta) throw new DocumentMissingError(id)
      const room = new Room(id, stored, { store, writer, limits, versions, log, events })
      room.epoch = Math.max(meta.epoch, slot.rotatedTo)
      slot.room = room
      this.stats.loads++
      this.#options.events.roomLoaded?.((performance.now() - started) / 1000)
      // Everyone who waited may have left while it loaded.
      if (slot.holders === 0) this.#scheduleUnload(id, slot)
      return room
    } catch (error) {
      if (this.#slots.get(id) === slot) this.#slots.delete(id)
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
    room.destroy()
    this.stats.unloads++
    this.#options.events.roomUnloaded?.()
  }

  /** Writes what the room has queued and compacts its log. */
  async #settle(room: Room): Promise<void> {
    try {
      await room.flushed()
      await room.versions.flush()
      await room.compact()
    } catch (error) {
      this.#options.log.error({ err: error, docId: room.id }, 'could not settle the room')
    }
  }

  /**
   * The document's links were rotated to `epoch`: the sockets of older edit and view keys
   * close with 4401, and a room still loading takes the new epoch, whatever its load read.
   */
  rotated(id: string, epoch: number): void {
    const slot = this.#slots.get(id)
    if (!slot) return
    slot.rotatedTo = Math.max(slot.rotatedTo, epoch)
    const room = slot.room
    if (!room) return
    room.epoch = Math.max(room.epoch, epoch)
    room.closePeers(CloseCode.keyRevoked, (peer) => peer.role !== 'owner')
  }

  /**
   * Removes a document: its sockets are closed with `code`, its room is written and dropped,
   * then `remove` deletes what is stored, while nobody may open the document.
   */
  async remove(id: string, code: CloseCode, remove: () => Promise<void>): Promise<void> {
    this.#removing.add(id)
    try {
      const slot = this.#slots.get(id)
      if (slot) {
        this.#slots.delete(id)
        clearTimeout(slot.unloadTimer)
        const room = slot.room ?? (await slot.loading?.catch(() => undefined))
        if (room) {
          room.closePeers(code)
          await room.idle()
          room.destroy()
        }
      }
      await remove()
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
        room.destroy()
      }),
    )
  }
}
