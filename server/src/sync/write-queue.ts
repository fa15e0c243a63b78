import type { Log } from '../logger.js'
import type { DocStore } from '../storage/doc-store.js'
import type { Room, UpdateWriter } from './room.js'

export interface WriteQueueEvents {
  /** One batch written: how many updates, and how long the store took. */
  onBatch?: (updates: number, seconds: number) => void
  onFailure?: (error: unknown) => void
}

/**
 * Group commit: the updates that arrive in one turn of the event loop, across every room,
 * go to the store in one atomic batch; while a batch is being written the next one gathers.
 * Each room applies and relays its updates only once their batch is on disk.
 */
export class WriteQueue implements UpdateWriter {
  readonly #store: DocStore
  readonly #log: Log
  readonly #events: WriteQueueEvents
  readonly #waiting = new Set<Room>()
  #scheduled = false
  #writing = false

  constructor(store: DocStore, log: Log, events: WriteQueueEvents = {}) {
    this.#store = store
    this.#log = log
    this.#events = events
  }

  schedule(room: Room): void {
    this.#waiting.add(room)
    if (this.#scheduled || this.#writing) return
    this.#scheduled = true
    // After the poll phase: every frame read in this turn joins the batch.
    setImmediate(() => void this.#writeBatch())
  }

  async #writeBatch(): Promise<void> {
    this.#scheduled = false
    this.#writing = true
    const rooms = [...this.#waiting]
    this.#waiting.clear()
    const entries = rooms.flatMap((room) => room.takeQueued())
    const started = performance.now()
    let failure: { error: unknown } | undefined
    try {
      await this.#store.appendUpdates(entries)
      this.#events.onBatch?.(entries.length, (performance.now() - started) / 1000)
    } catch (error) {
      failure = { error }
      this.#events.onFailure?.(error)
    }
    for (const room of rooms) {
      try {
        if (failure) room.failed()
        else room.committed()
      } catch (error) {
        this.#log.error({ err: error, docId: room.id }, 'a room failed to take its written updates')
      }
    }
    this.#writing = false
    // What arrived during the write goes next, without waiting for another turn.
    if (this.#waiting.size > 0) void this.#writeBatch()
  }
}
