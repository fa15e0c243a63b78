import type { VersionInfo } from '@quire/shared'
import { h } from './dom.js'
import { absoluteTime, peopleList, relativeTime, versionHeading } from './version-words.js'

/** When a version was taken: relative ("5 minutes ago") and in full, in a <time>. */
export function versionTime(createdAt: string, now: Date): HTMLElement {
  const date = new Date(createdAt)
  return h(
    'span',
    { class: 'version__time' },
    h('time', { class: 'version__ago', text: relativeTime(date, now), attrs: { datetime: createdAt } }),
    h('span', { class: 'version__date', text: absoluteTime(date) }),
  )
}

/** Who changed the document since the version before, if the server recorded anyone. */
export function versionAuthors(authors: readonly string[]): HTMLElement | null {
  return authors.length > 0 ? h('span', { class: 'version__authors', text: `by ${peopleList(authors)}` }) : null
}

/**
 * The list of versions, newest first: each a button that opens its preview, with its name or
 * number, a label for a named version or a restore, its time and its authors.
 */
export function renderVersionItems(versions: readonly VersionInfo[], now: Date, open: (version: VersionInfo) => void): HTMLLIElement[] {
  return versions.map((version) => {
    const { title, label } = versionHeading(version, versions)
    const button = h(
      'button',
      { class: 'version', attrs: { type: 'button', 'data-v': version.v }, on: { click: () => open(version) } },
      h(
        'span',
        { class: 'version__head' },
        h('span', { class: 'version__title', text: title }),
        label ? h('span', { class: `badge version__label version__label--${version.kind}`, text: label }) : null,
      ),
      versionTime(version.createdAt, now),
      versionAuthors(version.authors),
    )
    return h('li', { class: 'versions__item' }, button)
  })
}

/** Brings every relative time in `root` up to `now`, without rebuilding anything (focus stays). */
export function refreshTimes(root: HTMLElement, now: Date): void {
  for (const time of root.querySelectorAll<HTMLTimeElement>('time.version__ago')) {
    time.textContent = relativeTime(new Date(time.dateTime), now)
  }
}
