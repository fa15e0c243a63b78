import type { ErrorCode } from './errors.js'
import type { Role } from './roles.js'

/** A share link for each role: `<origin>/d/<id>#key=<key>`. */
export interface DocLinks {
  owner: string
  edit: string
  view: string
  /** Reads the document and its comments, and comments, but cannot change the text. */
  comment: string
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

export const EXPORT_FORMATS = ['markdown', 'html', 'json', 'text', 'docx'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** A file of a document is named by the sha256 of its bytes, in lowercase hex. */
export const FILE_HASH_PATTERN = /^[0-9a-f]{64}$/

/** What `POST /api/docs/:id/files` answers: the hash the document refers to the image by. */
export interface UploadedFile {
  hash: string
  type: string
  size: number
  width: number
  height: number
}

/** The body of every error answer. */
export interface ApiError {
  error: ErrorCode
  message: string
}

/** The fragment of a share link that carries the key, as in `#key=…`. */
export const LINK_KEY_PARAM = 'key'

export function docLink(origin: string, id: string, key: string): string {
  return `${origin}/d/${encodeURIComponent(id)}#${LINK_KEY_PARAM}=${encodeURIComponent(key)}`
}

/** How a version came to be: taken after editing settled, saved by hand with a name, or made by a restore. */
export type VersionKind = 'auto' | 'named' | 'restore'

export interface VersionInfo {
  /** The version's number, counting up from 1 for each document. */
  v: number
  createdAt: string
  /** Who changed the document since the version before, by their display names. */
  authors: string[]
  name: string | null
  kind: VersionKind
  /** For a restore: the version whose content it brought back. */
  restoredFrom: number | null
  /** What the version takes on disk. */
  bytes: number
}

/**
 * One version's metadata with the title it had, as `GET /api/docs/:id/versions/:v` answers
 * (the list leaves titles out: each would mean opening the version's state).
 */
export interface VersionDetail extends VersionInfo {
  title: string
}

export interface CreateVersionRequest {
  name?: string
  /** The version the client has just brought back itself (so the editor can undo it). */
  restoredFrom?: number
}

export type DiffOp = 'same' | 'added' | 'removed'

/** A block of text (a paragraph, a heading, a list item…) compared between two versions. */
export type DiffBlock = { op: DiffOp; text: string } | { op: 'changed'; words: { op: DiffOp; text: string }[] }

/** What changed from a version to the current document. */
export interface VersionDiff {
  blocks: DiffBlock[]
}

/** Which threads a list of comments holds. */
export const COMMENT_STATUSES = ['open', 'resolved', 'all'] as const
export type CommentStatus = (typeof COMMENT_STATUSES)[number]

/** One message of a thread, as the comments API answers it. */
export interface CommentMessageInfo {
  id: string
  author: string
  color: string
  /** Empty once deleted. */
  text: string
  createdAt: string
  editedAt: string | null
  deleted: boolean
}

/** A comment thread, as the comments API answers it. */
export interface CommentThreadInfo {
  id: string
  /** The passage as it was quoted when the thread started. */
  quote: string
  /** The text the thread covers now; null once that passage was deleted ("on deleted text"). */
  anchoredText: string | null
  /** Where that text is in the document's plain text (its text blocks joined by line breaks); null with it. */
  range: { from: number; to: number } | null
  author: string
  color: string
  createdAt: string
  resolved: boolean
  resolvedBy: string | null
  resolvedAt: string | null
  messages: CommentMessageInfo[]
}

/** Who writes through the API: a name and a colour, as presence shows them. */
export interface CommentAuthorInput {
  name?: string
  color?: string
}

/**
 * A new thread: on the `occurrence`-th (from 1) copy of `quote` in the document's plain text,
 * or on the plain-text range `from`–`to`.
 */
export interface CreateCommentRequest {
  text: string
  quote?: string
  occurrence?: number
  from?: number
  to?: number
  author?: CommentAuthorInput
}
