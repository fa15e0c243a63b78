import type { VersionInfo } from '@quire/shared'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Steps of a relative time: below `under` milliseconds, count in `unit`s of `size`. */
const STEPS: { under: number; unit: Intl.RelativeTimeFormatUnit; size: number }[] = [
  { under: HOUR, unit: 'minute', size: MINUTE },
  { under: DAY, unit: 'hour', size: HOUR },
  { under: 7 * DAY, unit: 'day', size: DAY },
  { under: 30 * DAY, unit: 'week', size: 7 * DAY },
  { under: 365 * DAY, unit: 'month', size: 30 * DAY },
  { under: Infinity, unit: 'year', size: 365 * DAY },
]

/** "just now", "5 minutes ago", "yesterday", "3 weeks ago"… A time ahead of `now` (a skewed clock) is "just now". */
export function relativeTime(then: Date, now: Date, locale?: string): string {
  const elapsed = now.getTime() - then.getTime()
  if (elapsed < MINUTE) return 'just now'
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })
  const step = STEPS.find(({ under }) => elapsed < under)!
  return format.format(-Math.floor(elapsed / step.size), step.unit)
}

/** The date and time in full, in the reader's own conventions (a time zone only for tests). */
export function absoluteTime(date: Date, options: { locale?: string; timeZone?: string } = {}): string {
  return new Intl.DateTimeFormat(options.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: options.timeZone }).format(date)
}

/** "Ada", "Ada and Grace", "Ada, Bob, Cy, Dee and 3 others": the first few names, then a count. */
export function peopleList(names: readonly string[], locale?: string, shown = 4): string {
  const people = names.length > shown + 1 ? [...names.slice(0, shown), `${names.length - shown} others`] : [...names]
  return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(people)
}

type Heading = Pick<VersionInfo, 'v' | 'kind' | 'name' | 'restoredFrom'>

/**
 * What a version is called in the list, and the label that marks a named version or a restore.
 * A restore is called after the version it brought back, by that version's name where `versions`
 * (the list) has it: "Kickoff restored", not "Version 2 restored" beside a version called "Kickoff".
 */
export function versionHeading(version: Heading, versions: readonly Heading[] = []): { title: string; label: string | null } {
  switch (version.kind) {
    case 'named':
      return { title: version.name ?? `Version ${version.v}`, label: 'Named' }
    case 'restore': {
      const source = versions.find((other) => other.v === version.restoredFrom)
      const sourceName = source?.kind === 'named' && source.name ? source.name : `Version ${version.restoredFrom ?? '?'}`
      return { title: version.name ?? `${sourceName} restored`, label: 'Restore' }
    }
    default:
      return { title: `Version ${version.v}`, label: null }
  }
}
