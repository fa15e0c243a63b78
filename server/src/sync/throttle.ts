/**
 * At most `rate` messages a second from one socket, the newest kept: over the rate, or while
 * held, a message waits, and a newer one replaces it. For messages whose newest copy says all
 * that the older ones did (a presence state, a sync step 1).
 */
export class Throttle<M> {
  readonly #rate: number
  readonly #deliver: (message: M) => void
  #tokens: number
  #refilled = performance.now()
  #waiting: M | undefined
  #timer: NodeJS.Timeout | undefined
  #held = false

  constructor(rate: number, deliver: (message: M) => void) {
    this.#rate = rate
    this.#deliver = deliver
    this.#tokens = rate
  }

  offer(message: M): void {
    if (!this.#held && this.#waiting === undefined && this.#take()) {
      this.#deliver(message)
      return
    }
    this.#waiting = message
    this.#schedule()
  }

  /** Delivers nothing until `release`: what arrives meanwhile waits, the newest kept. */
  hold(): void {
    this.#held = true
  }

  release(): void {
    this.#held = false
    this.#schedule()
  }

  stop(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#waiting = undefined
  }

  #take(): boolean {
    const now = performance.now()
    this.#tokens = Math.min(this.#rate, this.#tokens + ((now - this.#refilled) / 1000) * this.#rate)
    this.#refilled = now
    if (this.#tokens < 1) return false
    this.#tokens--
    return true
  }

  #schedule(): void {
    if (this.#timer || this.#held || this.#waiting === undefined) return
    const waitMs = Math.max(0, ((1 - this.#tokens) / this.#rate) * 1000)
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      const message = this.#waiting
      if (message === undefined || this.#held) return
      if (!this.#take()) return this.#schedule()
      this.#waiting = undefined
      this.#deliver(message)
    }, waitMs)
  }
}
