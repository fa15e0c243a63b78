import type { VersionInfo } from '@quire/shared'

/**
 * Which automatic versions to keep as they age: every one while young, then the newest of
 * each hour, then the newest of each day. Named versions and restores are kept forever.
 */
export interface RetentionPolicy {
  keepAllForMs: number
  keepHourlyForMs: number
  /** Infinity keeps a version a day forever. */
  keepDailyForMs: number
}

const HOUR = 3600_000
const DAY = 24 * HOUR

/** The version numbers the policy lets go, at time `now`. The newest version always stays. */
export function versionsToPrune(versions: readonly VersionInfo[], now: number, policy: RetentionPolicy): number[] {
  const newest = Math.max(...versions.map((version) => version.v))
  const keptBuckets = new Set<string>()
  const prune: number[] = []
  // Newest first, so the first version met in a bucket is the one kept.
  for (const version of [...versions].sort((a, b) => b.v - a.v)) {
    if (version.kind !== 'auto') continue
    const created = Date.parse(version.createdAt)
    const age = now - created
    if (age < policy.keepAllForMs) continue
    const bucket = age < policy.keepHourlyForMs ? `h${Math.floor(created / HOUR)}` : age < policy.keepDailyForMs ? `d${Math.floor(created / DAY)}` : undefined
    const keep = version.v === newest || (bucket !== undefined && !keptBuckets.has(bucket))
    if (bucket !== undefined && keep) keptBuckets.add(bucket)
    if (!keep) prune.push(version.v)
  }
  return prune.sort((a, b) => a - b)
}
