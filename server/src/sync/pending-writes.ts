import { NOT_WRITTEN, type LogAppend } from '../storage/doc-store.js'
import type { Origin } from './doc-fields.js'

/** One validated update on its way to disk. */
export interface PendingUpdate<P> {
  /** Who sent it: none for the server's own changes. */
  peer: P | undefined
  update: Uint8Array
  origin: Origin
  /** The end clock of each client's structs: what the document will know once it is written. */
  ends: Map<number, number>
  /** Who wrote it, by display name, for the next version's authors. */
  author: string
  /** The link epoch of the writer's key (none: an owner key, or the server): see LogAppend.epoch. */
  epoch: number | undefined
}

/** What the group commit sees of a room: its queued updates, and how their write went. */
export interface WriteSource {
  readonly id: string
  /** The queued updates, as log entries for the next batch (none if nothing is queued). */
  takeQueued(): LogAppend[]
  /** The batch is on disk: each entry's seq, or a NOT_WRITTEN value (see DocStore.appendUpdates). */
  committed(seqs: readonly number[]): void
  /** The batch failed: nothing of it is on disk. */
  failed(): void
}

/** The group commit: writes the queued updates of every source that asks, in one batch. */
export interface UpdateWriter {
  schedule(source: WriteSource): void
}

export interface PendingWritesEvents<P> {
  /** An entry is on disk under `seq`: its updates, in order. */
  committed(seq: number, updates: PendingUpdate<P>[]): void
  /** An entry was refused: its writers' keys were revoked by a rotation (or the document is gone). */
  refused(updates: PendingUpdate<P>[], why: 'revoked' | 'gone'): void
  /** A batch failed: nothing of the document's was written. */
  failed(): void
}

/**
 * One document's updates between validation and disk: queued, then being written; and who
 * waits for them to land. The only part of a room the write queue sees. The updates of one
 * batch go as one log entry per link epoch of their writers (nearly always one), so that a
 * rotation refuses exactly the revoked keys' writes.
 */
export class PendingWrites<P> implements WriteSource {
  readonly id: string
  readonly #writer: UpdateWriter
  readonly #events: PendingWritesEvents<P>
  #queued: PendingUpdate<P>[] = []
  /** The entries being written, in the order the write queue took them. */
  #writing: PendingUpdate<P>[][] = []
  #bytes = 0
  /** What the queued and writing updates will add to the state vector. */
  #ends = new Map<number, number>()
  #waiters: (() => void)[] = []

  constructor(id: string, writer: UpdateWriter, events: PendingWritesEvents<P>) {
    this.id = id
    this.#writer = writer
    this.#events = events
  }

  /** Queues an update for the next batch. */
  add(pending: PendingUpdate<P>): void {
    for (const [client, end] of pending.ends) this.#ends.set(client, Math.max(end, this.#ends.get(client) ?? 0))
    this.#queued.push(pending)
    this.#bytes += pending.update.length
    this.#writer.schedule(this)
  }

  /** Bytes queued or being written. */
  get bytes(): number {
    return this.#bytes
  }

  /** The clock up to which queued or writing updates hold a client's structs (0: none). */
  endOf(client: number): number {
    return this.#ends.get(client) ?? 0
  }

  takeQueued(): LogAppend[] {
    if (this.#queued.length === 0) return []
    const byEpoch = new Map<number | undefined, PendingUpdate<P>[]>()
    for (const pending of this.#queued) {
      let entry = byEpoch.get(pending.epoch)
      if (!entry) byEpoch.set(pending.epoch, (entry = []))
      entry.push(pending)
    }
    this.#queued = []
    this.#writing = [...byEpoch.values()]
    return [...byEpoch].map(([epoch, updates]) => ({ docId: this.id, updates: updates.map(({ update }) => update), ...(epoch === undefined ? {} : { epoch }) }))
  }

  committed(seqs: readonly number[]): void {
    const entries = this.#writing
    this.#writing = []
    if (entries.length === 0) return
    this.#bytes -= entries.flat().reduce((sum, { update }) => sum + update.length, 0)
    // Written updates are the ordered log's from now on (see OrderedLog.endOf): only the queue counts here.
    this.#ends.clear()
    for (const { ends } of this.#queued) {
      for (const [client, end] of ends) this.#ends.set(client, Math.max(end, this.#ends.get(client) ?? 0))
    }
    try {
      for (const [i, updates] of entries.entries()) {
        const seq = seqs[i] ?? NOT_WRITTEN.gone
        if (seq >= 0) this.#events.committed(seq, updates)
        else this.#events.refused(updates, seq === NOT_WRITTEN.revoked ? 'revoked' : 'gone')
      }
    } finally {
      this.#settle()
    }
  }

  failed(): void {
    this.#writing = []
    this.#queued = []
    this.#bytes = 0
    this.#ends.clear()
    try {
      this.#events.failed()
    } finally {
      this.#settle()
    }
  }

  /** Resolves once every queued update has been written (or has failed). */
  flushed(): Promise<void> {
    if (this.#queued.length === 0 && this.#writing.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.#waiters.push(resolve))
  }

  #settle(): void {
    if (this.#queued.length > 0 || this.#writing.length > 0) return
    const waiters = this.#waiters
    this.#waiters = []
    for (const resolve of waiters) resolve()
  }
}
