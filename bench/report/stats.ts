/** Order statistics of samples. */

export interface Percentiles {
  count: number
  p50: number
  p95: number
  p99: number
  max: number
}

/** The nearest-rank percentile of sorted samples; NaN when there are none. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))
  return sorted[rank]!
}

export function percentiles(samples: ArrayLike<number>): Percentiles {
  const sorted = Float64Array.from(samples).sort()
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted.length > 0 ? sorted[sorted.length - 1]! : NaN,
  }
}

export function median(values: number[]): number {
  return percentile(Float64Array.from(values).sort(), 0.5)
}
