import { ROLES, isDocId, isRole, type DocLinks, type Role } from '@quire/shared'
import { parseDocLink } from './link-key.js'

/** A document this browser has opened, with the links it knows for it. */
export interface RecentDoc {
  id: string
  title: string
  links: Partial<DocLinks>
  /** ISO time of the last visit. */
  openedAt: string
}

const STORAGE_KEY = 'quire.recent-docs'
/** The list stays short: it is for finding one's way back, not an archive. */
const MAX_RECENT_DOCS = 50
const MAX_STORED_TITLE = 200

/** The recent documents of this browser, kept in localStorage with their share links. */
export class RecentDocs {
  readonly #storage: Storage

  constructor(storage: Storage) {
    this.#storage = storage
  }

  list(): RecentDoc[] {
    let parsed: unknown
    try {
      parsed = JSON.parse(this.#storage.getItem(STORAGE_KEY) ?? '[]')
    } catch {
      return []
    }
    if (!Array.isArray(parsed)) return []
    return parsed.flatMap((entry) => {
      const doc = validRecentDoc(entry)
      return doc ? [doc] : []
    })
  }

  get(id: string): RecentDoc | undefined {
    return this.list().find((doc) => doc.id === id)
  }

  /** Records a visit: the links are merged with those already known (a new link replaces its role's old one). */
  remember(id: string, update: { title?: string; links?: Partial<DocLinks> }): void {
    const docs = this.list()
    const existing = docs.find((doc) => doc.id === id)
    const doc: RecentDoc = {
      id,
      title: (update.title ?? existing?.title ?? '').slice(0, MAX_STORED_TITLE),
      links: { ...existing?.links, ...update.links },
      openedAt: new Date().toISOString(),
    }
    this.#save([doc, ...docs.filter((other) => other.id !== id)])
  }

  /** Follows a title change without moving the document up the list. */
  setTitle(id: string, title: string): void {
    const docs = this.list()
    const doc = docs.find((other) => other.id === id)
    if (!doc || doc.title === title) return
    doc.title = title.slice(0, MAX_STORED_TITLE)
    this.#save(docs)
  }

  /** Replaces every link of a document, as after a rotation. */
  replaceLinks(id: string, links: Partial<DocLinks>): void {
    const docs = this.list()
    const doc = docs.find((other) => other.id === id)
    if (!doc) return
    doc.links = { ...links }
    this.#save(docs)
  }

  /** Drops the links that stopped working (revoked); the document stays listed, without them. */
  forgetLinks(id: string, revoked: (role: Role, key: string | undefined) => boolean): void {
    const doc = this.get(id)
    if (!doc) return
    const kept = Object.entries(doc.links).filter(([role, link]) => !revoked(role as Role, parseDocLink(link)?.key))
    this.replaceLinks(id, Object.fromEntries(kept))
  }

  forget(id: string): void {
    this.#save(this.list().filter((doc) => doc.id !== id))
  }

  /** The role a key had when this browser last saw it, for opening a document offline. */
  roleOfKey(id: string, key: string): Role | undefined {
    const doc = this.get(id)
    if (!doc) return undefined
    return ROLES.find((role) => {
      const link = doc.links[role]
      return link !== undefined && parseDocLink(link)?.key === key
    })
  }

  #save(docs: RecentDoc[]): void {
    try {
      this.#storage.setItem(STORAGE_KEY, JSON.stringify(docs.slice(0, MAX_RECENT_DOCS)))
    } catch {
      // Storage full or disabled (private windows): the list is a convenience, the document is not at risk.
    }
  }
}

function validRecentDoc(value: unknown): RecentDoc | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { id, title, links, openedAt } = value as Record<string, unknown>
  if (!isDocId(id) || typeof title !== 'string' || typeof openedAt !== 'string') return undefined
  if (typeof links !== 'object' || links === null) return undefined
  const valid: Partial<DocLinks> = {}
  for (const [role, link] of Object.entries(links)) {
    if (isRole(role) && typeof link === 'string' && parseDocLink(link)?.id === id) valid[role] = link
  }
  return { id, title: title.slice(0, MAX_STORED_TITLE), links: valid, openedAt }
}
