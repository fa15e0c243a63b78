import { monitorEventLoopDelay } from 'node:perf_hooks'

/** The longest the event loop was held, in milliseconds, while a watch ran. */
export interface EventLoopWatch {
  stop(): { longestMs: number }
}

/**
 * Watches this process's event loop (the in-process server's loop is the test's own): the
 * longest stretch in which no timer could run. A request that computes for seconds on the
 * main thread shows here, whatever the request itself answers.
 */
export function watchEventLoop(): EventLoopWatch {
  const histogram = monitorEventLoopDelay({ resolution: 10 })
  histogram.enable()
  return {
    stop() {
      histogram.disable()
      return { longestMs: histogram.max / 1e6 }
    },
  }
}

/**
 * What the tests allow the loop to be held for while a hostile request runs. Far above what a
 * busy test machine shows on its own, far below the seconds to minutes the attacks cost when
 * they run on the main thread.
 */
export const HELD_LOOP_LIMIT_MS = 1_500
