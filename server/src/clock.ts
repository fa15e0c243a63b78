/** Time and timers, injectable: a test moves a fake clock instead of waiting in real time. */
export interface Clock {
  now(): number
  /** Runs `run` after `ms`; the timer never keeps the process alive. */
  setTimeout(run: () => void, ms: number): Timer
  clearTimeout(timer: Timer | undefined): void
}

export type Timer = { readonly id: unknown }

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(run, ms) {
    const id = setTimeout(run, ms)
    id.unref()
    return { id }
  },
  clearTimeout(timer) {
    if (timer) clearTimeout(timer.id as NodeJS.Timeout)
  },
}
