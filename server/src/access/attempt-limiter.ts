import type { Counts } from './counts.js'

/**
 * Counts failed key checks per client address in fixed one-minute windows; an address over
 * its limit is refused until its window ends, so keys cannot be guessed by brute force. With
 * counts every instance shares, guessing through several instances is no faster than one.
 */
export class AttemptLimiter {
  readonly #limit: number
  readonly #counts: Counts
  readonly #windowMs: number

  constructor(limit: number, counts: Counts, options: { windowMs?: number } = {}) {
    this.#limit = limit
    this.#counts = counts
    this.#windowMs = options.windowMs ?? 60_000
  }

  /** Seconds until `address` may try again, or 0 when it may try now. */
  async retryAfter(address: string): Promise<number> {
    const { count, msLeft } = await this.#counts.read(keyOf(address))
    return count < this.#limit ? 0 : Math.max(1, Math.ceil(msLeft / 1000))
  }

  async fail(address: string): Promise<void> {
    await this.#counts.add(keyOf(address), this.#windowMs)
  }
}

function keyOf(address: string): string {
  return `failed-key-checks:${address}`
}
