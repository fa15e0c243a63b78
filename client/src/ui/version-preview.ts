import type { DiffBlock, ExportFormat, VersionDetail, VersionInfo } from '@quire/shared'
import { countChanges, renderDiff, type DiffKinds } from './diff-view.js'
import { h } from './dom.js'
import { DOWNLOAD_FORMATS, downloadName, saveBlob } from './download-menu.js'
import { versionAuthors, versionTime } from './version-list.js'
import { versionHeading } from './version-words.js'

export interface VersionPreviewOptions {
  version: VersionInfo
  /** The version's title, what changed from it to the current document, and what each block is. */
  load(): Promise<{ detail: VersionDetail; blocks: DiffBlock[]; kinds?: DiffKinds }>
  /** The versions listed, so a restore is called after the version it brought back. */
  versions?: readonly VersionInfo[]
  exportAs(format: ExportFormat): Promise<Blob>
  /** Absent for a view key: it may look, not restore. */
  restore?: () => Promise<void>
  currentTitle(): string
  back(): void
}

export interface VersionPreview {
  element: HTMLElement
  /** Compares again with the current document (which others may have changed). */
  reload(): Promise<void>
  focus(): void
}

/**
 * One version, read-only: its text with what changed since highlighted (or its text alone),
 * the title it had, a download in the document's formats, and, for editors, a restore.
 */
export function createVersionPreview(options: VersionPreviewOptions): VersionPreview {
  const { version } = options
  const { title, label } = versionHeading(version, options.versions)
  const heading = h('h3', { class: 'preview__title', text: title, attrs: { tabindex: '-1', id: 'preview-title' } })
  const error = h('p', { class: 'field__error', attrs: { role: 'alert' } })
  const titleLine = h('p', { class: 'preview__doc-title' })
  const summary = h('p', { class: 'preview__summary' })
  const text = h(
    'div',
    { class: 'diff', attrs: { role: 'region', 'aria-label': `Text of ${title}`, 'aria-busy': 'true' } },
    h('p', { class: 'history__quiet', text: 'Loading…' }),
  )
  const showChanges = h('input', { attrs: { type: 'checkbox', id: 'preview-changes', checked: true } })
  let loaded: Awaited<ReturnType<VersionPreviewOptions['load']>> | undefined

  const render = () => {
    if (!loaded) return
    const { detail, blocks, kinds } = loaded
    const changes = showChanges.checked
    const current = options.currentTitle()
    titleLine.replaceChildren(
      'Title: ',
      changes && detail.title !== current
        ? h('span', {}, h('del', {}, detail.title || 'Untitled'), ' ', h('ins', {}, current || 'Untitled'))
        : h('strong', { text: detail.title || 'Untitled' }),
    )
    const changed = countChanges(blocks)
    summary.textContent = changed === 0 ? 'The text is the same as now.' : `${changed} ${changed === 1 ? 'paragraph differs' : 'paragraphs differ'} from now.`
    const rendered = renderDiff(blocks, changes, kinds)
    text.replaceChildren(...(rendered.length > 0 ? rendered : [h('p', { class: 'history__quiet', text: 'This version is empty.' })]))
    text.setAttribute('aria-busy', 'false')
  }
  showChanges.addEventListener('change', render)

  const reload = async () => {
    try {
      const next = await options.load()
      error.textContent = ''
      // Unchanged: leave the text alone, for whoever is reading it.
      if (loaded && JSON.stringify(next) === JSON.stringify(loaded)) return
      loaded = next
      render()
    } catch (failure) {
      error.textContent = `The version could not be loaded: ${messageOf(failure)}`
    }
  }

  const downloads = h(
    'div',
    { class: 'preview__downloads', attrs: { role: 'group', 'aria-label': 'Download this version' } },
    h('span', { class: 'preview__downloads-label', text: 'Download:', attrs: { 'aria-hidden': 'true' } }),
    ...DOWNLOAD_FORMATS.map(({ format, label: formatLabel, extension }) =>
      h('button', {
        class: 'button button--quiet',
        text: formatLabel,
        attrs: { type: 'button', 'data-format': format },
        on: {
          click: async () => {
            try {
              const name = loaded?.detail.title ?? options.currentTitle()
              saveBlob(await options.exportAs(format), downloadName(`${name} version ${version.v}`, extension))
            } catch (failure) {
              error.textContent = `The download failed: ${messageOf(failure)}`
            }
          },
        },
      }),
    ),
  )

  let restoreButton: HTMLButtonElement | null = null
  if (options.restore) {
    const restore = options.restore
    restoreButton = h('button', { class: 'button button--primary', text: 'Restore this version', attrs: { type: 'button' } })
    restoreButton.addEventListener('click', async () => {
      restoreButton!.disabled = true
      restoreButton!.textContent = 'Restoring…'
      try {
        await restore()
      } catch (failure) {
        error.textContent = `The version could not be restored: ${messageOf(failure)}`
        restoreButton!.disabled = false
        restoreButton!.textContent = 'Restore this version'
      }
    })
  }

  const element = h(
    'section',
    { class: 'preview', attrs: { 'aria-labelledby': 'preview-title', 'data-v': version.v } },
    h('button', { class: 'button button--quiet history__back', text: '← All versions', attrs: { type: 'button' }, on: { click: options.back } }),
    h('div', { class: 'version__head' }, heading, label ? h('span', { class: `badge version__label version__label--${version.kind}`, text: label }) : null),
    h('p', { class: 'preview__meta' }, versionTime(version.createdAt, new Date()), versionAuthors(version.authors)),
    h('div', { class: 'preview__actions' }, restoreButton, downloads),
    error,
    h('div', { class: 'preview__toggle' }, showChanges, h('label', { text: 'Highlight changes since this version', attrs: { for: 'preview-changes' } })),
    h(
      'p',
      { class: 'preview__legend', attrs: { id: 'preview-legend' } },
      h('del', { text: 'Struck out' }),
      ': gone since. ',
      h('ins', { text: 'Underlined' }),
      ': added since.',
    ),
    titleLine,
    summary,
    text,
  )
  showChanges.setAttribute('aria-describedby', 'preview-legend')
  showChanges.addEventListener('change', () => element.classList.toggle('preview--plain', !showChanges.checked))
  void reload()
  return { element, reload, focus: () => heading.focus() }
}

export function messageOf(failure: unknown): string {
  return failure instanceof Error ? failure.message : 'something went wrong.'
}
