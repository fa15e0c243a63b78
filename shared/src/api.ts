import type { Role } from './roles.js'

/** A share link for each role: `<origin>/d/<id>#key=<key>`. */
export interface DocLinks {
  owner: string
  edit: string
  view: string
}

export interface CreateDocRequest {
  title?: string
  content?: string
  format?: 'markdown' | 'html'
}

export interface CreateDocResponse {
  id: string
  title: string
  links: DocLinks
}

export interface DocInfo {
  id: string
  title: string
  role: Role
  createdAt: string
  updatedAt: string
}

export const EXPORT_FORMATS = ['markdown', 'html', 'json', 'text'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** The body of every error answer. */
export interface ApiError {
  error: string
  message: string
}

/** The fragment of a share link that carries the key, as in `#key=…`. */
export const LINK_KEY_PARAM = 'key'

export function docLink(origin: string, id: string, key: string): string {
  return `${origin}/d/${encodeURIComponent(id)}#${LINK_KEY_PARAM}=${encodeURIComponent(key)}`
}
