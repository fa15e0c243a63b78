import type { Editor } from '@tiptap/core'
import { CloseCode, ErrorCode, TITLE_FIELD, canWrite, docLink, type Role } from '@quire/shared'
import { ApiClient, ApiError, ServerUnreachable } from '../api/api-client.js'
import { closeMessage, openFailureMessage } from '../collab/close-messages.js'
import { watchAccess } from '../collab/access-watch.js'
import { DocSession, type PermanentClose } from '../collab/doc-session.js'
import { colorsOfOthers, keepColorDistinct } from '../collab/distinct-color.js'
import { loadIdentity, saveIdentity } from '../collab/identity.js'
import { keyOfHash, parseDocLink } from '../collab/link-key.js'
import { offlineDbName } from '../collab/offline-copy.js'
import { RecentDocs } from '../collab/recent-docs.js'
import { createEditor, insertImages } from '../editor/editor-setup.js'
import { createLinkBubble } from '../editor/link-bubble.js'
import { createToolbar } from '../editor/toolbar.js'
import { DocFiles, IMAGE_TYPES } from '../editor/doc-files.js'
import { FilesApi } from '../api/files-api.js'
import type { HistoryPanel } from '../ui/history-panel.js'
import { h } from '../ui/dom.js'
import { createDownloadMenu } from '../ui/download-menu.js'
import { icon } from '../ui/icons.js'
import { showMessagePage } from '../ui/message-page.js'
import { createNameField } from '../ui/name-field.js'
import { createPresenceList } from '../ui/presence-list.js'
import { createStatusBadge } from '../ui/status-badge.js'
import { createStopNotice } from '../ui/stop-notice.js'
import { createDocComments } from './doc-comments.js'
import { createShareButton } from './doc-sharing.js'
import { createDocTitle } from './doc-title.js'
import '../styles/editor.css'

/** How the page learned what this key may do: from the server, or remembered while it is unreachable. */
async function resolveRole(api: ApiClient, recent: RecentDocs, id: string, key: string): Promise<Role | ApiError | 'unreachable'> {
  try {
    return (await api.docInfo(id, key)).role
  } catch (error) {
    if (error instanceof ApiError) return error
    if (error instanceof ServerUnreachable) return recent.roleOfKey(id, key) ?? 'unreachable'
    throw error
  }
}

/** The document page: `/d/<id>#key=<key>`. */
export async function showDocPage(app: HTMLElement, id: string): Promise<void> {
  const key = keyOfHash(location.hash)
  if (key === undefined) return showMessagePage(app, openFailureMessage(401))
  // Another key for the same document (a pasted link): start again with it.
  window.addEventListener('hashchange', () => {
    if (keyOfHash(location.hash) !== key) location.reload()
  })

  const api = new ApiClient(location.origin)
  const recent = new RecentDocs(localStorage)
  const role = await resolveRole(api, recent, id, key)
  if (role === 'unreachable') {
    return showMessagePage(
      app,
      {
        title: 'The server cannot be reached',
        body: 'This document has not been opened on this device before, so there is no copy to show offline.',
        retry: true,
      },
      () => location.reload(),
    )
  }
  if (role instanceof ApiError) {
    // The document is gone: so is any copy of it on this device.
    if (role.status === 404 && role.code === ErrorCode.notFound) {
      indexedDB.deleteDatabase(offlineDbName(id))
      recent.forget(id)
    }
    // The key no longer opens it: the list of documents no longer offers it.
    if (role.status === 403) recent.forgetLinks(id, (_role, known) => known === key)
    return showMessagePage(app, openFailureMessage(role.status), () => location.reload())
  }
  openDocument(app, { id, key, role, api, recent })
}

interface OpenOptions {
  id: string
  key: string
  role: Role
  api: ApiClient
  recent: RecentDocs
}

function rememberVisit(recent: RecentDocs, id: string, role: Role, key: string): void {
  const known = recent.get(id)?.links[role]
  // Our key differs from the one remembered for this role: the links were rotated, the others are stale.
  if (known !== undefined && parseDocLink(known)?.key !== key) recent.replaceLinks(id, {})
  recent.remember(id, { links: { [role]: docLink(location.origin, id, key) } })
}

function openDocument(app: HTMLElement, { id, role, api, recent, ...rest }: OpenOptions): void {
  let key = rest.key
  const writer = canWrite(role)
  rememberVisit(recent, id, role, key)
  let identity = loadIdentity(localStorage)
  const session = new DocSession({ id, key, role, origin: location.origin })

  const title = createDocTitle({ title: session.doc.getText(TITLE_FIELD), writer, editor: () => editor, onChange: (text) => recent.setTitle(id, text) })

  const status = createStatusBadge(session.status)
  session.on('status', status.show)
  const alerts = h('div', { class: 'doc-alerts' })
  const showError = (message: string) => {
    alerts.replaceChildren(h('p', { class: 'inline-error', text: message, attrs: { role: 'alert' } }))
  }

  const editorHost = h('div', { class: 'editor-host' })
  const comments = createDocComments({ doc: session.doc, role, identity: () => identity, awareness: session.provider.awareness })
  const editLink = () => {
    if (editor.isEditable) void import('../editor/link-dialog.js').then(({ openLinkDialog }) => openLinkDialog(editor))
  }
  const files = new DocFiles(new FilesApi(location.origin), id, () => key)
  const editor: Editor = createEditor({
    element: editorHost,
    doc: session.doc,
    provider: session.provider,
    user: identity,
    editable: writer,
    onEditLink: editLink,
    extensions: [comments.marks],
    files,
    onError: showError,
  })
  if (writer) editorHost.append(createLinkBubble(editor, editLink).element)
  // The toolbar's Insert image opens the browser's file picker.
  const picker = h('input', {
    class: 'visually-hidden',
    attrs: { type: 'file', accept: IMAGE_TYPES.join(','), multiple: true, tabindex: -1, 'aria-hidden': 'true' },
    on: {
      change: () => {
        insertImages(editor, files, [...(picker.files ?? [])], showError)
        picker.value = ''
      },
    },
  })
  const toolbar = writer ? createToolbar(editor, editLink, () => picker.click()) : null
  const awareness = session.provider.awareness
  const presence = createPresenceList(awareness)
  const setIdentity = (next: typeof identity) => {
    identity = next
    saveIdentity(localStorage, identity)
    editor.commands.updateUser(identity)
  }
  const nameField = createNameField(identity, () => colorsOfOthers(awareness), setIdentity)
  // A colour someone here already has gives way to one nobody has.
  keepColorDistinct(
    awareness,
    () => identity,
    (color) => {
      nameField.showColor(color)
      setIdentity({ ...identity, color })
    },
  )

  const shareButton = createShareButton({ id, role, api, recent, session, key: () => key, setKey: (next) => (key = next) })
  const historyButton = h(
    'button',
    { class: 'button button--ghost', attrs: { type: 'button', 'aria-expanded': 'false' } },
    icon('history'),
    h('span', { class: 'button__text', text: 'History' }),
  )
  let historyPanel: HistoryPanel | undefined
  let historyOpening = false
  historyButton.addEventListener('click', () => (historyPanel ? closeHistory() : void openHistory()))

  const download = createDownloadMenu({
    fetchExport: (format) => api.exportDoc(id, key, format),
    title: title.current,
    onError: showError,
  })

  const header = h(
    'header',
    { class: 'doc-header' },
    h(
      'div',
      { class: 'doc-header__row' },
      h(
        'a',
        { class: 'brand brand--small', attrs: { href: '/', 'aria-label': 'Quire: your documents' } },
        h('span', { class: 'brand__mark', attrs: { 'aria-hidden': 'true' } }),
        h('span', { class: 'brand__text', text: 'Quire' }),
      ),
      title.heading,
      title.input,
      writer ? null : h('span', { class: 'badge badge--view', text: role === 'comment' ? 'Comment only' : 'View only' }),
      h('div', { class: 'doc-header__actions' }, historyButton, download, shareButton),
    ),
    // Comment sits with who is here: the title row keeps its room for the title.
    h('div', { class: 'doc-header__row doc-header__row--meta' }, status.element, presence.element, comments.button, nameField.element),
    toolbar,
  )
  const main = h('main', { class: 'doc-main doc-main--comments', attrs: { id: 'main' } }, alerts, editorHost, comments.attach(editor), writer ? picker : null)
  // A button, not a #fragment link: the fragment holds the key.
  const skip = h('button', { class: 'skip-link', text: 'Skip to the text', attrs: { type: 'button' }, on: { click: () => editor.commands.focus() } })
  app.replaceChildren(skip, header, main)
  app.dataset.role = role

  /** The History panel, loaded on first use: the first paint never waits for it. */
  async function openHistory(): Promise<void> {
    if (historyOpening) return
    historyOpening = true
    try {
      const { createDocHistory } = await import('./doc-history.js')
      historyPanel = createDocHistory({ api, session, editor, key: () => key, writer, currentTitle: title.current, onClose: closeHistory })
    } catch (error) {
      showError(`The history could not be opened: ${error instanceof Error ? error.message : 'try again.'}`)
      return
    } finally {
      historyOpening = false
    }
    app.append(historyPanel.element)
    app.classList.add('doc--history-open')
    historyButton.setAttribute('aria-expanded', 'true')
    historyButton.setAttribute('aria-controls', historyPanel.element.id)
    historyPanel.focus()
  }

  function closeHistory(): void {
    if (!historyPanel) return
    historyPanel.destroy()
    historyPanel.element.remove()
    historyPanel = undefined
    app.classList.remove('doc--history-open')
    historyButton.setAttribute('aria-expanded', 'false')
    historyButton.removeAttribute('aria-controls')
    historyButton.focus()
  }

  /** The server closed for good (revoked, deleted, too large) or asks us to wait (too many). */
  async function stopForGood(close: PermanentClose): Promise<void> {
    const message = closeMessage(close.code, close.reason)
    // Nothing left to show a history of.
    if (close.code === CloseCode.documentDeleted) closeHistory()
    if (!message.retry) {
      editor.setEditable(false)
      toolbar?.remove()
      title.input.readOnly = true
      document.title = `${message.title} · Quire`
    }
    // New links revoke every edit and view link at once: the list of documents stops offering them.
    if (close.code === CloseCode.keyRevoked) recent.forgetLinks(id, (linkRole) => linkRole !== 'owner')
    const notice = createStopNotice(message, () => {
      notice.remove()
      session.resume()
    })
    alerts.replaceChildren(notice)
    notice.querySelector<HTMLElement>('.notice__title')?.focus()
    if (close.code === CloseCode.documentDeleted) {
      recent.forget(id)
      await session.offline.clear()
    }
  }
  session.on('closed', (close) => void stopForGood(close))
  watchAccess(
    session,
    api,
    () => key,
    (close) => session.stop(close),
  )
}
