/**
 * Counts failed key checks per client address in fixed one-minute windows; an address over
 * its limit is refused until its window ends, so keys cannot be guessed by brute force.
 */
export class AttemptLimiter {
  readonly #limit: number
  readonly #windowMs: number
  readonly #now: () => number
  readonly #windows = new Map<string, { started: number; failures: number }>()
  /** Addresses remembered at most; the oldest windows go first. */
  readonly #maxAddresses: number

  constructor(limit: number, options: { windowMs?: number; maxAddresses?: number; now?: () => number } = {}) {
    this.#limit = limit
    this.#windowMs = options.windowMs ?? 60_000
    this.#maxAddresses = options.maxAddresses ?? 100_000
    this.#now = options.now ?? Date.now
  }

  /** Seconds until `address` may try again, or 0 when it may try now. */
  retryAfter(address: string): number {
    const window = this.#current(address)
    if (!window || window.failures < this.#limit) return 0
    return Math.max(1, Math.ceil((window.started + this.#windowMs - this.#now()) / 1000))
  }

  fail(address: string): void {
    let window = this.#current(address)
    if (!window) {
      if (this.#windows.size >= this.#maxAddresses) this.#windows.delete(this.#windows.keys().next().value!)
      window = { started: this.#now(), failures: 0 }
      this.#windows.set(address, window)
    }
    window.failures++
  }

  #current(address: string) {
    const window = this.#windows.get(address)
    if (window && this.#now() - window.started >= this.#windowMs) {
      this.#windows.delete(address)
      return undefined
    }
    return window
  }
}
