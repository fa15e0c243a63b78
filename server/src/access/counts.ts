/** A key's count in its window, and the milliseconds left of that window. */
export interface Count {
  count: number
  msLeft: number
}

/**
 * Counters in fixed windows: a window starts with a key's first count and lasts `windowMs`.
 * This process's (MemoryCounts), or kept where every instance of a cluster sees them (Redis).
 */
export interface Counts {
  /** Adds one to `key`'s count: the count and window after it. */
  add(key: string, windowMs: number): Promise<Count>
  read(key: string): Promise<Count>
}

/** Counts in this process, for at most `maxKeys` keys (the oldest windows go first). */
export class MemoryCounts implements Counts {
  readonly #windows = new Map<string, { ends: number; count: number }>()
  readonly #maxKeys: number
  readonly #now: () => number

  constructor(options: { maxKeys?: number; now?: () => number } = {}) {
    this.#maxKeys = options.maxKeys ?? 100_000
    this.#now = options.now ?? Date.now
  }

  add(key: string, windowMs: number): Promise<Count> {
    let window = this.#current(key)
    if (!window) {
      if (this.#windows.size >= this.#maxKeys) this.#windows.delete(this.#windows.keys().next().value!)
      window = { ends: this.#now() + windowMs, count: 0 }
      this.#windows.set(key, window)
    }
    window.count++
    return Promise.resolve({ count: window.count, msLeft: window.ends - this.#now() })
  }

  read(key: string): Promise<Count> {
    const window = this.#current(key)
    return Promise.resolve(window ? { count: window.count, msLeft: window.ends - this.#now() } : { count: 0, msLeft: 0 })
  }

  #current(key: string) {
    const window = this.#windows.get(key)
    if (window && this.#now() >= window.ends) {
      this.#windows.delete(key)
      return undefined
    }
    return window
  }
}

/**
 * Shared counts that fall back on this process's while they are unreachable: a limit per
 * instance then, never none. Every count is kept in both.
 */
export class FallbackCounts implements Counts {
  readonly #shared: Counts
  readonly #local: Counts

  constructor(shared: Counts, local: Counts = new MemoryCounts()) {
    this.#shared = shared
    this.#local = local
  }

  async add(key: string, windowMs: number): Promise<Count> {
    const local = await this.#local.add(key, windowMs)
    return this.#shared.add(key, windowMs).catch(() => local)
  }

  read(key: string): Promise<Count> {
    return this.#shared.read(key).catch(() => this.#local.read(key))
  }
}
