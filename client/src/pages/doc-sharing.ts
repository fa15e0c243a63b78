import { CloseCode, LINK_KEY_PARAM, type DocLinks, type Role } from '@quire/shared'
import type { ApiClient } from '../api/api-client.js'
import type { DocSession } from '../collab/doc-session.js'
import { parseDocLink } from '../collab/link-key.js'
import type { RecentDocs } from '../collab/recent-docs.js'
import { h } from '../ui/dom.js'
import { icon } from '../ui/icons.js'

export interface DocSharingOptions {
  id: string
  role: Role
  api: ApiClient
  recent: RecentDocs
  session: DocSession
  /** The page's key now, and a way to change it (an owner's key may change when links rotate). */
  key(): string
  setKey(key: string): void
}

/**
 * The Share button and what its dialog asks of the server: the owner's current links, new
 * links (rotation) and deletion. The dialog itself loads on first use.
 */
export function createShareButton({ id, role, api, recent, session, key, setKey }: DocSharingOptions): HTMLButtonElement {
  const button = h(
    'button',
    { class: 'button button--primary', attrs: { type: 'button', 'aria-haspopup': 'dialog' } },
    icon('share'),
    h('span', { class: 'button__text', text: 'Share' }),
  )
  button.addEventListener('click', async () => {
    const { openShareDialog } = await import('../ui/share-dialog.js')
    const dialog = openShareDialog({
      role,
      links: recent.get(id)?.links ?? {},
      fetchLinks: role === 'owner' ? fetchLinks : undefined,
      rotate: rotateLinks,
      remove: deleteDocument,
    })
    dialog.addEventListener('close', () => button.focus())
  })
  return button

  /** The owner's current links, which this browser may never have been shown: remembered from now on. */
  async function fetchLinks(): Promise<DocLinks> {
    const links = await api.links(id, key())
    recent.replaceLinks(id, links)
    return links
  }

  async function rotateLinks(): Promise<DocLinks> {
    // The owner key outlives a rotation (only edit and view keys are revoked), so this page carries on.
    const links = await api.rotateLinks(id, key())
    recent.replaceLinks(id, links)
    const ownerKey = parseDocLink(links.owner)?.key
    if (ownerKey !== undefined && ownerKey !== key()) {
      setKey(ownerKey)
      history.replaceState(history.state, '', `#${LINK_KEY_PARAM}=${encodeURIComponent(ownerKey)}`)
      session.resume(ownerKey)
    }
    return links
  }

  async function deleteDocument(): Promise<void> {
    session.pause()
    try {
      await api.deleteDoc(id, key())
    } catch (error) {
      session.resume()
      throw error
    }
    document.querySelector<HTMLDialogElement>('dialog[open]')?.close()
    // As if the server had closed the connection for it: the page and its status say what happened.
    session.stop({ code: CloseCode.documentDeleted, reason: 'deleted by its owner' })
  }
}
