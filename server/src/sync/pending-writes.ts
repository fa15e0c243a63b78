import type { LogAppend } from '../storage/doc-store.js'
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
}

/** What the group commit sees of a room: its queued updates, and how their write went. */
export interface WriteSource {
  readonly id: string
  /** The queued updates, as one log entry for the next batch (none if nothing is queued). */
  takeQueued(): LogAppend | undefined
  /** The batch is on disk, the entry under `seq`. */
  committed(seq: number): void
  /** The batch failed: nothing of it is on disk. */
  failed(): void
}

/** The group commit: writes the queued updates of every source that asks, in one batch. */
export interface UpdateWriter {
  schedule(source: WriteSource): void
}

/**
 * One document's updates between validation and disk: queued, then being written, each batch
 * with the next seq; and who waits for them to land. The only part of a room the write queue
 * sees. `onCommitted` gets the updates of a written batch, in order, to apply and relay.
 */
export class PendingWrites<P> implements WriteSource {
  readonly id: string
  readonly #writer: UpdateWriter
  readonly #onCommitted: (updates: PendingUpdate<P>[]) => void
  readonly #onFailed: () => void
  #queued: PendingUpdate<P>[] = []
  #writing: PendingUpdate<P>[] = []
  #bytes = 0
  /** What the queued and writing updates will add to the state vector. */
  #ends = new Map<number, number>()
  #committedSeq: number
  #waiters: (() => void)[] = []

  constructor(id: string, lastSeq: number, writer: UpdateWriter, onCommitted: (updates: PendingUpdate<P>[]) => void, onFailed: () => void) {
    this.id = id
    this.#committedSeq = lastSeq
    this.#writer = writer
    this.#onCommitted = onCommitted
    this.#onFailed = onFailed
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

  /** The seq of the last batch on disk: a compaction now covers the log up to it. */
  get committedSeq(): number {
    return this.#committedSeq
  }

  takeQueued(): LogAppend | undefined {
    const taken = this.#queued
    if (taken.length === 0) return undefined
    this.#queued = []
    this.#writing.push(...taken)
    return { docId: this.id, updates: taken.map(({ update }) => update) }
  }

  committed(seq: number): void {
    const written = this.#writing
    this.#writing = []
    if (written.length === 0) return
    this.#bytes -= written.reduce((sum, { update }) => sum + update.length, 0)
    this.#committedSeq = seq
    // Written updates are in the document's own state vector from now on: only the queue counts on.
    this.#ends.clear()
    for (const { ends } of this.#queued) {
      for (const [client, end] of ends) this.#ends.set(client, Math.max(end, this.#ends.get(client) ?? 0))
    }
    try {
      this.#onCommitted(written)
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
      this.#onFailed()
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
