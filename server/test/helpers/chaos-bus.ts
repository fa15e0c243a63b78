import type { Bus, BusListener, BusMessage } from '../../src/bus/bus.js'

export interface BusChaos {
  /** The share of arriving messages lost (0 to 1). */
  drop: number
  /** The share held back for up to `maxDelayMs`, so that later ones overtake them. */
  delay: number
  maxDelayMs: number
  /** The share delivered twice. */
  duplicate: number
  /** Kinds of message never delivered. */
  lose: ReadonlySet<BusMessage['kind']>
}

const CALM: BusChaos = { drop: 0, delay: 0, maxDelayMs: 0, duplicate: 0, lose: new Set() }

/**
 * The real bus with its faults made worse on purpose: messages arriving at this instance are
 * dropped, delayed past later ones, doubled, or lost by kind, with a seeded generator so a
 * failure can be replayed. Everything else is the real bus's.
 */
export class ChaosBus implements Bus {
  readonly #inner: Bus
  readonly #random: () => number
  chaos: BusChaos
  /** Messages delivered, dropped, delayed and doubled: the test checks the chaos happened. */
  readonly counts = { delivered: 0, dropped: 0, delayed: 0, doubled: 0 }

  constructor(inner: Bus, chaos: Partial<BusChaos> = {}, seed = 1) {
    this.#inner = inner
    this.chaos = { ...CALM, ...chaos }
    this.#random = mulberry32(seed)
  }

  get instance(): string {
    return this.#inner.instance
  }

  get connected(): boolean {
    return this.#inner.connected
  }

  onConnection(listener: (connected: boolean) => void): void {
    this.#inner.onConnection(listener)
  }

  start(listener: BusListener): Promise<void> {
    return this.#inner.start((message) => this.#arrive(message, listener))
  }

  follow(doc: string): void {
    this.#inner.follow(doc)
  }

  unfollow(doc: string): void {
    this.#inner.unfollow(doc)
  }

  publish(message: Parameters<Bus['publish']>[0]): boolean {
    return this.#inner.publish(message)
  }

  lease(name: string, ms: number): Promise<boolean> {
    return this.#inner.lease(name, ms)
  }

  close(): Promise<void> {
    return this.#inner.close()
  }

  #arrive(message: BusMessage, listener: BusListener): void {
    const { drop, delay, maxDelayMs, duplicate, lose } = this.chaos
    if (lose.has(message.kind) || this.#random() < drop) {
      this.counts.dropped++
      return
    }
    const deliver = () => {
      this.counts.delivered++
      listener(message)
    }
    if (this.#random() < duplicate) {
      this.counts.doubled++
      setTimeout(deliver, this.#random() * maxDelayMs)
    }
    if (this.#random() < delay) {
      this.counts.delayed++
      setTimeout(deliver, 1 + this.#random() * maxDelayMs)
    } else deliver()
  }
}

/** A small seeded generator: the same seed, the same chaos. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
