import type { Since } from '../storage/doc-store.js'

/** One log entry's updates, as the room applies them: its own writes, or another instance's. */
export interface Batch<P> {
  updates: BatchUpdate<P>[]
}

export interface BatchUpdate<P> {
  update: Uint8Array
  /** The local socket that sent it: none for the server's own changes and other instances'. */
  peer: P | undefined
  /** Who wrote it, by display name, for the next version's authors ('' when unknown). */
  author: string
  /** The end clock of each client's structs in it (known for the room's own writes). */
  ends?: ReadonlyMap<number, number>
}

/**
 * How long an entry waits for the ones below it before they are fetched from the store: the
 * bus nearly always brings them sooner, and a fetch is a database round trip.
 */
const GAP_WAIT_MS = 50

export interface OrderedLogDeps<P> {
  /** Applies batches in seq order (each once). */
  apply(batch: Batch<P>, own: boolean): void
  /** Applies a stored base that covers entries the room never received. */
  applyBase(base: Uint8Array): void
  /** What the store holds after a seq. */
  readSince(afterSeq: number): Promise<Since>
  /** A fill from the store brought `entries` entries the room lacked. */
  onFilled(entries: number): void
  /** A fill from the store failed (it is tried again on the next gap or check). */
  onFillFailed(error: unknown): void
}

/**
 * A document's log as a room applies it: strictly in seq order, each entry once, whoever wrote
 * it. The seq of every write is the store's, so the room's own writes and those of other
 * instances interleave; a seq that arrives before the ones below it waits, and the gap is
 * filled from the store (a bus message lost or late, a crash between a commit and its
 * message). `through` is the last seq applied: the document holds exactly the log up to it.
 */
export class OrderedLog<P> {
  readonly #deps: OrderedLogDeps<P>
  #through: number
  readonly #waiting = new Map<number, { batch: Batch<P>; own: boolean }>()
  #filling: Promise<void> | undefined
  #gapTimer: NodeJS.Timeout | undefined
  #stopped = false

  constructor(through: number, deps: OrderedLogDeps<P>) {
    this.#through = through
    this.#deps = deps
  }

  get through(): number {
    return this.#through
  }

  /** Takes the entry written under `seq`; what is now in order is applied at once. */
  take(seq: number, batch: Batch<P>, own: boolean): void {
    if (seq <= this.#through || this.#waiting.has(seq)) return
    this.#waiting.set(seq, { batch, own })
    this.#drain()
    if (this.#waiting.size > 0)
      this.#gapTimer ??= setTimeout(() => {
        this.#gapTimer = undefined
        if (this.#waiting.size > 0) void this.catchUp()
      }, GAP_WAIT_MS)
  }

  /**
   * The clock up to which entries written but still waiting for the ones below them hold a
   * client's structs (0: none): the document will know them, and its peers build on them.
   */
  endOf(client: number): number {
    let end = 0
    for (const { batch } of this.#waiting.values()) for (const { ends } of batch.updates) end = Math.max(end, ends?.get(client) ?? 0)
    return end
  }

  stop(): void {
    this.#stopped = true
    clearTimeout(this.#gapTimer)
  }

  /** The store is known to hold entries up to `head`: fetches what the room lacks of them. */
  caughtUpTo(head: number): void {
    if (head > this.#through) void this.catchUp()
  }

  /** Fetches from the store what follows `through`, one fetch at a time. */
  catchUp(): Promise<void> {
    this.#filling ??= this.#fill().finally(() => {
      this.#filling = undefined
    })
    return this.#filling
  }

  async #fill(): Promise<void> {
    if (this.#stopped) return
    let since: Since
    try {
      since = await this.#deps.readSince(this.#through)
    } catch (error) {
      this.#deps.onFillFailed(error)
      return
    }
    if (this.#stopped) return
    if (since.base && since.baseSeq > this.#through) {
      this.#deps.applyBase(since.base)
      this.#through = since.baseSeq
      for (const seq of this.#waiting.keys()) if (seq <= this.#through) this.#waiting.delete(seq)
    }
    let filled = 0
    for (const [seq, updates] of groupBySeq(since.log)) {
      if (seq > this.#through && !this.#waiting.has(seq)) {
        this.#waiting.set(seq, { batch: { updates: updates.map((update) => ({ update, peer: undefined, author: '' })) }, own: false })
        filled++
      }
    }
    if (filled > 0) this.#deps.onFilled(filled)
    this.#drain()
  }

  #drain(): void {
    for (let next = this.#waiting.get(this.#through + 1); next; next = this.#waiting.get(this.#through + 1)) {
      this.#waiting.delete(this.#through + 1)
      this.#through++
      this.#deps.apply(next.batch, next.own)
    }
  }
}

function groupBySeq(log: Since['log']): Map<number, Uint8Array[]> {
  const groups = new Map<number, Uint8Array[]>()
  for (const { seq, update } of log) {
    let group = groups.get(seq)
    if (!group) groups.set(seq, (group = []))
    group.push(update)
  }
  return groups
}
