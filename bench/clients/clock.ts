/**
 * Milliseconds since the epoch with sub-millisecond precision, comparable between threads:
 * each worker has its own `performance.timeOrigin`, and the sum is the same clock in all.
 */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now()
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
