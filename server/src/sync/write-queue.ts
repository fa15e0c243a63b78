import type { Log } from '../logger.js'
import type { DocStore } from '../storage/doc-store.js'
import type { SyncEvents } from './events.js'
import type { UpdateWriter, WriteSource } from './pending-writes.js'

/**
 * Group commit: the updates that arrive in one turn of the event loop, across every room,
 * go to the store in one atomic batch; while a batch is being written the next one gathers.
 * Each source applies and relays its updates only once their batch is on disk.
 */
export class WriteQueue implements UpdateWriter {
  readonly #store: DocStore
  readonly #log: Log
  readonly #events: SyncEvents
  readonly #waiting = new Set<WriteSource>()
  #scheduled = false
  #writing = false

  constructor(store: DocStore, log: Log, events: SyncEvents) {
    this.#store = store
    this.#log = log
    this.#events = events
  }

  schedule(source: WriteSource): void {
    this.#waiting.add(source)
    if (this.#scheduled || this.#writing) return
    this.#scheduled = true
    // After the poll phase: every frame read in this turn joins the batch.
    setImmediate(() => void this.#writeBatch())
  }

  async #writeBatch(): Promise<void> {
    this.#scheduled = false
    this.#writing = true
    const batch = [...this.#waiting].map((source) => ({ source, entries: source.takeQueued() })).filter(({ entries }) => entries.length > 0)
    this.#waiting.clear()
    const entries = batch.flatMap(({ entries }) => entries)
    const started = performance.now()
    // The store logs what went wrong; here it only matters that nothing of the batch landed.
    let seqs: number[] | undefined
    try {
      seqs = await this.#store.appendUpdates(entries)
      const updates = entries.reduce((sum, entry) => sum + entry.updates.length, 0)
      this.#events.batchWritten?.(updates, (performance.now() - started) / 1000)
    } catch {
      this.#events.writeFailed?.()
    }
    let taken = 0
    for (const { source, entries } of batch) {
      const own = seqs?.slice(taken, taken + entries.length)
      taken += entries.length
      try {
        if (own) source.committed(own)
        else source.failed()
      } catch (error) {
        this.#log.error({ err: error, docId: source.id }, 'a room failed to take its written updates')
      }
    }
    this.#writing = false
    // What arrived during the write goes next, without waiting for another turn.
    if (this.#waiting.size > 0) void this.#writeBatch()
  }
}
