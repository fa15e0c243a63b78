import type { ExportFormat, VersionInfo } from '@quire/shared'
import type { ApiClient } from '../api/api-client.js'
import type { JSONContent } from '@tiptap/core'
import type { RestoredVersion, RestoreInEditor } from '../editor/restore-version.js'
import { blockKinds } from './block-kinds.js'
import { h } from './dom.js'
import { refreshTimes, renderVersionItems } from './version-list.js'
import { createVersionPreview, messageOf, type VersionPreview } from './version-preview.js'
import { versionHeading } from './version-words.js'
import '../styles/history.css'

/** How often an open panel asks for new versions: politely, since versions come minutes apart. */
const POLL_MS = 15_000
/** How long a save or a restore waits for this page's changes to reach the server before it goes ahead. */
const SAVED_WAIT_MS = 10_000

export interface HistoryPanelOptions {
  api: ApiClient
  id: string
  /** The page's key now (an owner's key may change when links rotate). */
  key(): string
  /** Whether this page may save and restore versions now (a writer, not stopped by the server). */
  canWrite(): boolean
  /** Brings a version back in the editor, as this person's own undoable change. */
  restoreInEditor(version: RestoredVersion): RestoreInEditor
  /** Whether the server can be reached now, and a way to hear when that changes (returns how to stop). */
  online(): boolean
  onOnlineChange(listener: () => void): () => void
  /** The document as this page has it, and which node types hold text: to show a version's blocks as what they are. */
  currentContent(): JSONContent
  isTextblock(type: string): boolean
  /** Resolves once the server holds this page's changes (false: it gave up waiting). */
  whenSaved(timeoutMs: number): Promise<boolean>
  currentTitle(): string
  /** The person closed the panel (its close button, or Escape). */
  onClose(): void
}

export interface HistoryPanel {
  element: HTMLElement
  focus(): void
  destroy(): void
}

/** The undo shortcut as this platform writes it. */
function undoShortcut(): string {
  return /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘Z' : 'Ctrl+Z'
}

/**
 * The History panel: the versions, newest first; a preview of one with what changed since;
 * for editors, "Save version" and "Restore this version". It asks for new versions while it
 * is open and the page is visible, and after each action.
 */
export function createHistoryPanel(options: HistoryPanelOptions): HistoryPanel {
  const { api, id } = options
  let versions: VersionInfo[] | undefined
  let preview: VersionPreview | undefined
  let pollTimer: ReturnType<typeof setTimeout> | undefined
  /** Counts refreshes, so an answer overtaken by a later one is dropped. */
  let refreshes = 0
  let destroyed = false
  const cleanups: (() => void)[] = []

  const heading = h('h2', { class: 'history__title', text: 'History', attrs: { id: 'history-title', tabindex: '-1' } })
  const closeButton = h('button', {
    class: 'button button--quiet history__close',
    text: '×',
    attrs: { type: 'button', 'aria-label': 'Close history' },
    on: { click: () => options.onClose() },
  })
  const announce = h('p', { class: 'visually-hidden', attrs: { 'aria-live': 'polite' } })
  const status = h('p', { class: 'history__status', attrs: { tabindex: '-1' } })
  const listError = h('p', { class: 'field__error', attrs: { role: 'alert' } })
  const list = h('ol', { class: 'versions', attrs: { 'aria-labelledby': 'versions-title', 'aria-busy': 'true' } })
  const listView = h(
    'div',
    { class: 'history__list' },
    options.canWrite() ? saveForm() : null,
    status,
    h('h3', { class: 'history__subtitle', text: 'Versions', attrs: { id: 'versions-title' } }),
    h('p', { class: 'history__quiet', text: 'Taken when editing pauses, and whenever someone saves one. Choose one to see it.' }),
    listError,
    list,
  )
  const body = h('div', { class: 'history__body' }, listView)
  const element = h(
    'aside',
    { class: 'history', attrs: { id: 'history-panel', 'aria-labelledby': 'history-title' } },
    h('div', { class: 'history__head' }, heading, closeButton),
    announce,
    body,
  )
  element.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !event.defaultPrevented) {
      event.preventDefault()
      options.onClose()
    }
  })
  document.addEventListener('visibilitychange', onVisibility)
  void refresh()

  return {
    element,
    focus: () => heading.focus(),
    destroy() {
      destroyed = true
      clearTimeout(pollTimer)
      for (const cleanup of cleanups) cleanup()
      document.removeEventListener('visibilitychange', onVisibility)
    },
  }

  function onVisibility(): void {
    if (document.visibilityState === 'visible') void refresh()
  }

  /** Asks for the versions (and compares the preview again), then waits for the next turn. */
  async function refresh(): Promise<void> {
    clearTimeout(pollTimer)
    const turn = ++refreshes
    const current = () => !destroyed && turn === refreshes
    try {
      const next = await api.versions(id, options.key())
      if (!current()) return
      listError.textContent = ''
      showVersions(next)
      if (preview) await preview.reload()
    } catch (failure) {
      if (!current()) return
      listError.textContent = `The versions could not be loaded: ${messageOf(failure)}`
    }
    if (!current()) return
    clearTimeout(pollTimer)
    // A hidden page asks again once it is visible.
    if (document.visibilityState === 'visible') pollTimer = setTimeout(() => void refresh(), POLL_MS)
  }

  function showVersions(next: VersionInfo[]): void {
    const now = new Date()
    // A version saved again without changes keeps its number and takes the new name.
    const same =
      versions !== undefined &&
      next.length === versions.length &&
      next.every(({ v, name, kind }, i) => v === versions![i]!.v && name === versions![i]!.name && kind === versions![i]!.kind)
    versions = next
    list.setAttribute('aria-busy', 'false')
    if (same) return refreshTimes(list, now)
    // Rebuilt: the version that had the focus keeps it.
    const focused = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('.version')?.dataset.v
    const items = renderVersionItems(next, now, openPreview)
    list.replaceChildren(
      ...(items.length > 0 ? items : [h('li', { class: 'history__quiet', text: 'No versions yet: the first is taken once editing pauses.' })]),
    )
    if (focused !== undefined) list.querySelector<HTMLElement>(`.version[data-v="${focused}"]`)?.focus()
  }

  function openPreview(version: VersionInfo): void {
    const key = options.key
    preview = createVersionPreview({
      version,
      load: async () => {
        const [detail, blocks, content] = await Promise.all([
          api.version(id, key(), version.v),
          api.versionDiff(id, key(), version.v),
          api.versionContent(id, key(), version.v),
        ])
        const kinds = { version: blockKinds(content, options.isTextblock), current: blockKinds(options.currentContent(), options.isTextblock) }
        return { detail, blocks, kinds }
      },
      versions,
      exportAs: (format: ExportFormat) => api.exportVersion(id, key(), version.v, format),
      restore: options.canWrite() ? () => restore(version) : undefined,
      currentTitle: options.currentTitle,
      back: () => showList(version.v),
    })
    status.textContent = ''
    body.replaceChildren(preview.element)
    preview.focus()
  }

  /** Back to the list, the focus on `focus`: the status notice, the version shown last, or nowhere. */
  function showList(from?: number, focus: 'status' | 'version' | 'none' = 'version'): void {
    preview = undefined
    body.replaceChildren(listView)
    if (focus === 'status') status.focus()
    else if (focus === 'version') (list.querySelector<HTMLElement>(`.version[data-v="${from}"]`) ?? heading).focus()
  }

  async function restore(version: VersionInfo): Promise<void> {
    if (!options.canWrite()) throw new Error('this page can no longer edit the document.')
    const key = options.key()
    const [content, detail] = await Promise.all([api.versionContent(id, key, version.v), api.version(id, key, version.v)])
    const restored = options.restoreInEditor({ content, title: detail.title })
    const name = versionHeading(version, versions).title
    let undone = false
    const takenBack = `${name} is no longer restored: the undo took it back.`
    restored.onUndone(() => {
      undone = true
      // The notice asked for an undo; once it happened, it says so instead.
      if (status.textContent?.startsWith(`${name} restored.`)) {
        status.textContent = takenBack
        announce.textContent = takenBack
      }
    })
    let message = `${name} restored. To take it back, press ${undoShortcut()} in the text.`
    // The history notes the restore once the server holds it (it waits for what it has received).
    await options.whenSaved(SAVED_WAIT_MS)
    try {
      await api.createVersion(id, key, { restoredFrom: version.v })
    } catch (failure) {
      message += ` The history could not note it: ${messageOf(failure)}`
    }
    if (destroyed) return
    if (undone) message = takenBack
    status.textContent = message
    announce.textContent = message
    // The notice takes the focus unless it went elsewhere meanwhile: someone already back in the
    // text, about to press Ctrl+Z as it says, keeps it there.
    const focused = document.activeElement
    const elsewhere = focused !== null && focused !== document.body && !element.contains(focused)
    showList(version.v, elsewhere ? 'none' : 'status')
    await refresh()
  }

  function saveForm(): HTMLFormElement {
    const input = h('input', {
      class: 'field__input',
      attrs: { id: 'version-name', type: 'text', maxlength: 100, required: true, autocomplete: 'off', placeholder: 'e.g. Sent for review' },
    })
    const button = h('button', { class: 'button button--primary', text: 'Save version', attrs: { type: 'submit' } })
    const error = h('p', { class: 'field__error', attrs: { role: 'alert' } })
    const hint = h('p', { class: 'field__hint' })
    let saving = false
    // Versions are kept by the server: offline, there is nothing to save one with.
    const showConnection = () => {
      const online = options.online()
      button.disabled = saving || !online
      hint.textContent = online ? 'A named version is kept for good.' : 'Saving a version needs the server, and this page is offline right now.'
    }
    showConnection()
    cleanups.push(options.onOnlineChange(showConnection))
    const form = h(
      'form',
      { class: 'history__save field' },
      h('label', { class: 'field__label', text: 'Name this version', attrs: { for: 'version-name' } }),
      h('div', { class: 'history__save-row' }, input, button),
      hint,
      error,
    )
    form.addEventListener('submit', async (event) => {
      event.preventDefault()
      const name = input.value.trim()
      if (!name) {
        error.textContent = 'Give the version a name.'
        input.focus()
        return
      }
      saving = true
      showConnection()
      error.textContent = ''
      try {
        // What this page typed belongs in the version.
        await options.whenSaved(SAVED_WAIT_MS)
        await api.createVersion(id, options.key(), { name })
        input.value = ''
        status.textContent = `Version “${name}” saved.`
        announce.textContent = status.textContent
        await refresh()
      } catch (failure) {
        error.textContent = `The version could not be saved: ${messageOf(failure)}`
      } finally {
        saving = false
        showConnection()
      }
    })
    return form
  }
}
