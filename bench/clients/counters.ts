/**
 * Memory shared by the main thread and every load worker, so that a typist in one thread
 * learns when a client in another has seen its updates (backpressure), and a receiver can
 * time an update from the moment its typist sent it (latency) without a message between them.
 *
 * Typist slot `t` types as the Yjs client id `TYPIST_CLIENT_BASE + t`; its clock counts the
 * characters it has typed, so one single-character update is one clock tick.
 */
export const TYPIST_CLIENT_BASE = 1_000_000

export interface CountersShape {
  typists: number
  /** Send times are kept for the first `timedClocks` clocks of each typist. */
  timedClocks: number
}

/** Atomics.waitAsync (Node 16+) is typed only from lib ES2024 on; the project targets ES2023. */
interface WaitAsync {
  waitAsync(array: Int32Array, index: number, value: number, timeoutMs: number): { async: false; value: string } | { async: true; value: Promise<string> }
}
const atomics = Atomics as typeof Atomics & WaitAsync

export class SharedCounters {
  readonly shape: CountersShape
  readonly buffers: { ints: SharedArrayBuffer; times: SharedArrayBuffer }
  /** [sent t…, acked t…, done t…] */
  readonly #ints: Int32Array
  /** send time (epoch ms, fractional) of clock c of typist t at t * timedClocks + c */
  readonly #times: Float64Array

  constructor(shape: CountersShape, buffers?: { ints: SharedArrayBuffer; times: SharedArrayBuffer }) {
    this.shape = shape
    this.buffers = buffers ?? {
      ints: new SharedArrayBuffer(3 * shape.typists * Int32Array.BYTES_PER_ELEMENT),
      times: new SharedArrayBuffer(shape.typists * shape.timedClocks * Float64Array.BYTES_PER_ELEMENT),
    }
    this.#ints = new Int32Array(this.buffers.ints)
    this.#times = new Float64Array(this.buffers.times)
  }

  /** Forgets every count, for the next run on the same clients. */
  reset(): void {
    this.#ints.fill(0)
    this.#times.fill(0)
  }

  slotOf(clientId: number): number {
    const slot = clientId - TYPIST_CLIENT_BASE
    return slot >= 0 && slot < this.shape.typists ? slot : -1
  }

  /** The clock a typist has sent up to (exclusive). */
  sent(slot: number): number {
    return Atomics.load(this.#ints, slot)
  }

  markSent(slot: number, clock: number, at: number, chars: number): void {
    if (clock < this.shape.timedClocks) this.#times[slot * this.shape.timedClocks + clock] = at
    Atomics.store(this.#ints, slot, clock + chars)
  }

  sentAt(slot: number, clock: number): number {
    return clock < this.shape.timedClocks ? this.#times[slot * this.shape.timedClocks + clock]! : 0
  }

  /** The clock the typist's acknowledging client has seen up to. */
  acked(slot: number): number {
    return Atomics.load(this.#ints, this.shape.typists + slot)
  }

  ack(slot: number, clock: number): void {
    const index = this.shape.typists + slot
    if (clock <= Atomics.load(this.#ints, index)) return
    Atomics.store(this.#ints, index, clock)
    Atomics.notify(this.#ints, index)
  }

  /** Resolves when the acked clock moves past `seen`, or after `timeoutMs`. */
  async ackedChange(slot: number, seen: number, timeoutMs: number): Promise<void> {
    const result = atomics.waitAsync(this.#ints, this.shape.typists + slot, seen, timeoutMs)
    if (result.async) await result.value
  }

  /** Set once the typist stopped; receivers then know what "caught up" means. */
  done(slot: number): boolean {
    return Atomics.load(this.#ints, 2 * this.shape.typists + slot) === 1
  }

  markDone(slot: number): void {
    Atomics.store(this.#ints, 2 * this.shape.typists + slot, 1)
  }
}
