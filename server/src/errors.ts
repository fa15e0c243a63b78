import { ErrorCode, type ApiError } from '@quire/shared'

/** An error with a status and a code from the catalogue below, answered as the contract's JSON. */
export class QuireError extends Error {
  override name = 'QuireError'
  readonly statusCode: number
  readonly code: ErrorCode
  /** Headers the answer carries, such as Retry-After. */
  headers: Record<string, string> = {}

  constructor(statusCode: number, code: ErrorCode, message: string) {
    super(message)
    this.statusCode = statusCode
    this.code = code
  }

  withHeaders(headers: Record<string, string>): this {
    this.headers = { ...this.headers, ...headers }
    return this
  }

  toJSON(): ApiError {
    return { error: this.code, message: this.message }
  }
}

function define(statusCode: number, code: ErrorCode, message: string) {
  const make = (detail?: string) => new QuireError(statusCode, code, detail ?? message)
  return Object.assign(make, { statusCode, code })
}

/** Every coded error the HTTP side answers with. */
export const Errors = {
  badRequest: define(400, ErrorCode.badRequest, 'The request is not valid.'),
  badDocId: define(400, ErrorCode.badId, 'A document id is 1 to 64 letters, digits, "-" or "_".'),
  badVersion: define(400, ErrorCode.badVersion, 'A version number is a whole number from 1 up, such as 3.'),
  missingKey: define(401, ErrorCode.missingKey, 'This needs a key: pass it as "Authorization: Bearer <key>" or "?key=<key>".'),
  wrongKey: define(403, ErrorCode.wrongKey, 'The key does not open this document.'),
  forbidden: define(403, ErrorCode.forbidden, 'The role of this key does not allow that.'),
  originRefused: define(403, ErrorCode.originRefused, 'Connections from this origin are not allowed.'),
  docNotFound: define(404, ErrorCode.notFound, 'There is no such document.'),
  versionNotFound: define(404, ErrorCode.noVersion, 'The document has no such version.'),
  commentNotFound: define(404, ErrorCode.noComment, 'The document has no such comment.'),
  passageNotFound: define(400, ErrorCode.noPassage, 'The passage to comment on is not in the document.'),
  commentTooLong: define(413, ErrorCode.commentTooLong, 'The comment is too long.'),
  tooManyComments: define(413, ErrorCode.tooManyComments, 'The document or thread holds as many comments as it may.'),
  routeNotFound: define(404, ErrorCode.noRoute, 'There is nothing at this address.'),
  tooManyVersions: define(409, ErrorCode.tooManyVersions, 'This document keeps as many named versions as it may.'),
  tooLarge: define(413, ErrorCode.tooLarge, 'The request body is too large.'),
  documentTooLarge: define(413, ErrorCode.documentTooLarge, 'The document would pass its size limit.'),
  unsupportedMedia: define(415, ErrorCode.unsupportedMediaType, 'Send the body as application/json.'),
  notAnImage: define(415, ErrorCode.notAnImage, 'Only PNG, JPEG, GIF and WebP images can be added.'),
  tooManyPixels: define(413, ErrorCode.tooManyPixels, 'The image has more pixels than a document may hold in one image.'),
  filesFull: define(413, ErrorCode.filesFull, 'The document holds as many bytes of images as it may.'),
  fileNotFound: define(404, ErrorCode.noFile, 'The document has no such file.'),
  tooComplex: define(422, ErrorCode.tooComplex, 'The work this asks for would take too long; it was stopped.'),
  rateLimited: define(429, ErrorCode.rateLimited, 'Too many requests; try again later.'),
  busy: define(429, ErrorCode.busy, 'The server is busy with other imports, exports and comparisons; try again in a few seconds.'),
  internal: define(500, ErrorCode.internal, 'Something went wrong on the server.'),
  notReady: define(503, ErrorCode.notReady, 'The server is starting or shutting down.'),
} as const
