import { LINK_KEY_PARAM, isDocId } from '@quire/shared'

/** What a document page's address says: `/d/<id>#key=<key>`. */
export interface DocAddress {
  id: string
  /** Undefined when the link lost its key (copied without the fragment, say). */
  key: string | undefined
}

const DOC_PATH = /^\/d\/([^/]+)\/?$/

/** The document id of a path, or undefined when the path is not a document page. */
export function docIdOfPath(pathname: string): string | undefined {
  const match = DOC_PATH.exec(pathname)
  if (!match) return undefined
  let id: string
  try {
    id = decodeURIComponent(match[1]!)
  } catch {
    return undefined
  }
  return isDocId(id) ? id : undefined
}

/** The key in a fragment such as `#key=…`; the fragment never reaches the server. */
export function keyOfHash(hash: string): string | undefined {
  const key = new URLSearchParams(hash.replace(/^#/, '')).get(LINK_KEY_PARAM)
  return key === null || key === '' ? undefined : key
}

/** The id and key of a full share link, or undefined if it is not one. */
export function parseDocLink(link: string): DocAddress | undefined {
  let url: URL
  try {
    url = new URL(link)
  } catch {
    return undefined
  }
  const id = docIdOfPath(url.pathname)
  return id === undefined ? undefined : { id, key: keyOfHash(url.hash) }
}
