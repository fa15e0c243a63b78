import type { AwarenessEntry } from '@quire/shared'
import type { Bus, BusMessage, DistributiveOmit } from '../bus/bus.js'
import type { Log } from '../logger.js'
import type { DocStore } from '../storage/doc-store.js'
import type { SyncEvents } from './events.js'
import type { Room } from './room.js'
import type { RoomsCluster } from './rooms.js'

export interface ClusterOptions {
  bus: Bus
  store: DocStore
  log: Log
  events: SyncEvents
  /** How often the heads of the open documents are read while the bus is up… */
  headCheckMs: number
  /** …and while it is down: then these reads carry the other instances' writes. */
  pollMs: number
  /** How long an instance that stopped beating keeps its people's presence. */
  presenceTtlMs: number
}

/** What the cluster asks of the rooms. */
export interface ClusterRooms {
  get(id: string): Room | undefined
  loaded(): Room[]
  rotatedElsewhere(id: string, epoch: number): void
  deletedElsewhere(id: string): void
}

/** How long a lease to keep a document's versions lasts; renewed while it is held. */
const VERSIONS_LEASE_MS = 30_000

/**
 * This instance among the others that share one PostgreSQL database: what its rooms write and
 * announce goes on the bus, what the others write and announce comes to its rooms. The bus is
 * only fast: every open document's head (last seq, epoch, existence) is also read from the
 * store now and then, often while the bus is down, so a lost message (or a crash between a
 * commit and its message) costs a second, and a rotation or deletion reaches every instance
 * even so. An instance's heartbeat keeps its people's presence alive on the others.
 */
export class Cluster implements RoomsCluster {
  readonly #options: ClusterOptions
  #rooms: ClusterRooms | undefined
  /** Messages about documents still loading: applied once each room exists. */
  readonly #early = new Map<string, BusMessage[]>()
  /** When each other instance last beat. */
  readonly #lastSeen = new Map<string, number>()
  #headTimer: NodeJS.Timeout | undefined
  #beatTimer: NodeJS.Timeout | undefined
  #checking = false
  #stopped = false

  constructor(options: ClusterOptions) {
    this.#options = options
  }

  /** Starts relaying for `rooms`: the bus, the heartbeat and the head checks. */
  async start(rooms: ClusterRooms): Promise<void> {
    this.#rooms = rooms
    const { bus } = this.#options
    bus.onConnection((connected) => {
      this.#options.log.info(
        { connected },
        connected ? 'the bus is back: relaying through Redis' : 'the bus is down: polling PostgreSQL for other instances’ writes',
      )
      // Whatever passed while it was away is read from the store at once.
      if (connected) void this.#checkHeads()
    })
    await bus.start((message) => this.#received(message))
    this.#beat()
    this.#scheduleHeadCheck()
  }

  stop(): void {
    this.#stopped = true
    clearTimeout(this.#headTimer)
    clearTimeout(this.#beatTimer)
  }

  loading(id: string): void {
    this.#early.set(id, [])
    this.#options.bus.follow(id)
  }

  loaded(room: Room): void {
    const early = this.#early.get(room.id) ?? []
    this.#early.delete(room.id)
    for (const message of early) this.#deliver(room, message)
  }

  unloaded(id: string): void {
    this.#early.delete(id)
    this.#options.bus.unfollow(id)
  }

  written(id: string, seq: number, updates: Uint8Array[], author: string): void {
    this.#publish({ kind: 'update', doc: id, seq, author, updates, sentAt: Date.now() })
  }

  presence(id: string, entries: AwarenessEntry[]): void {
    this.#publish({ kind: 'presence', doc: id, entries })
  }

  rotated(id: string, epoch: number): void {
    this.#publish({ kind: 'rotated', doc: id, epoch })
  }

  deleted(id: string): void {
    this.#publish({ kind: 'deleted', doc: id })
  }

  #publish(message: DistributiveOmit<BusMessage, 'from'>): void {
    this.#options.events.busPublished?.(message.kind, this.#options.bus.publish(message))
  }

  keepsVersions(id: string): Promise<boolean> {
    return this.#options.bus.lease(`versions:${id}`, VERSIONS_LEASE_MS)
  }

  #received(message: BusMessage): void {
    const rooms = this.#rooms!
    this.#lastSeen.set(message.from, Date.now())
    switch (message.kind) {
      case 'update':
      case 'presence': {
        const room = rooms.get(message.doc)
        if (room) this.#deliver(room, message)
        else this.#early.get(message.doc)?.push(message)
        return
      }
      case 'rotated':
        return rooms.rotatedElsewhere(message.doc, message.epoch)
      case 'deleted':
        return rooms.deletedElsewhere(message.doc)
      case 'alive':
        return
    }
  }

  #deliver(room: Room, message: BusMessage): void {
    if (message.kind === 'update') {
      this.#options.events.busReceived?.(Math.max(0, Date.now() - message.sentAt) / 1000)
      room.receiveRemote(message.seq, message.updates, message.author)
    } else if (message.kind === 'presence') {
      room.receiveRemotePresence(message.entries, message.from)
    }
  }

  /** Every open document's head, from the store: what the bus missed is fetched, rotations and deletions found. */
  async #checkHeads(): Promise<void> {
    if (this.#checking || this.#stopped) return
    this.#checking = true
    try {
      const rooms = this.#rooms!
      const open = rooms.loaded()
      if (open.length === 0) return
      const heads = await this.#options.store.heads(open.map(({ id }) => id))
      for (const room of open) {
        const head = heads.get(room.id)
        if (!head) {
          rooms.deletedElsewhere(room.id)
          continue
        }
        if (head.epoch > room.epoch) rooms.rotatedElsewhere(room.id, head.epoch)
        room.caughtUpTo(head.lastSeq)
      }
    } catch (error) {
      this.#options.log.debug({ err: error }, 'could not read the documents’ heads')
    } finally {
      this.#checking = false
    }
  }

  #scheduleHeadCheck(): void {
    if (this.#stopped) return
    const { bus, headCheckMs, pollMs } = this.#options
    this.#headTimer = setTimeout(() => void this.#checkHeads().finally(() => this.#scheduleHeadCheck()), bus.connected ? headCheckMs : pollMs)
    this.#headTimer.unref()
  }

  /** Says this instance is alive, and lets go of the people of instances that stopped saying so. */
  #beat(): void {
    if (this.#stopped) return
    const { presenceTtlMs } = this.#options
    this.#publish({ kind: 'alive' })
    const now = Date.now()
    for (const [instance, seen] of this.#lastSeen) {
      if (now - seen <= presenceTtlMs) continue
      this.#lastSeen.delete(instance)
      for (const room of this.#rooms!.loaded()) room.dropInstance(instance)
    }
    this.#beatTimer = setTimeout(() => this.#beat(), Math.max(100, presenceTtlMs / 3))
    this.#beatTimer.unref()
  }
}
