/**
 * Every code of the API's error answers (`{"error": "<code>", "message": "…"}`): the server
 * answers with these, the client tells them apart by these, and a test keeps the server's
 * catalogue and this one the same.
 */
export const ErrorCode = {
  badRequest: 'bad_request',
  badId: 'bad_id',
  badVersion: 'bad_version',
  missingKey: 'missing_key',
  wrongKey: 'wrong_key',
  forbidden: 'forbidden',
  originRefused: 'origin_refused',
  notFound: 'not_found',
  noVersion: 'no_version',
  noComment: 'no_comment',
  noPassage: 'no_passage',
  commentTooLong: 'comment_too_long',
  tooManyComments: 'too_many_comments',
  noRoute: 'no_route',
  tooManyVersions: 'too_many_versions',
  tooLarge: 'too_large',
  documentTooLarge: 'document_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  notAnImage: 'not_an_image',
  tooManyPixels: 'too_many_pixels',
  filesFull: 'files_full',
  noFile: 'no_file',
  tooComplex: 'too_complex',
  rateLimited: 'rate_limited',
  busy: 'busy',
  internal: 'internal',
  notReady: 'not_ready',
} as const
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]
