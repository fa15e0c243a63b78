/**
 * The y-websocket wire protocol as Quire speaks it, unchanged: every frame is binary and
 * starts with a varUint message type.
 */
export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
} as const

/** The second varUint of a sync message. */
export const SyncStep = {
  step1: 0,
  step2: 1,
  update: 2,
} as const

/**
 * Close codes. Stock clients reconnect after any close outside 4400–4499, so every
 * condition a retry cannot mend uses a 44xx code.
 */
export const CloseCode = {
  shuttingDown: 1001,
  badFrame: 1002,
  textFrame: 1003,
  frameTooLarge: 1009,
  storageFailure: 1011,
  tooSlow: 1013,
  keyRevoked: 4401,
  documentDeleted: 4404,
  documentTooLarge: 4413,
  tooManySockets: 4429,
} as const
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode]

/** What each close means, in words a person can be shown. */
export const CLOSE_REASONS: Record<CloseCode, string> = {
  [CloseCode.shuttingDown]: 'The server is restarting.',
  [CloseCode.badFrame]: 'A message could not be read.',
  [CloseCode.textFrame]: 'Text messages are not part of the protocol.',
  [CloseCode.frameTooLarge]: 'A message was too large.',
  [CloseCode.storageFailure]: 'The document cannot be saved right now.',
  [CloseCode.tooSlow]: 'The connection fell too far behind.',
  [CloseCode.keyRevoked]: 'This link is no longer valid. Ask the owner for a new one.',
  [CloseCode.documentDeleted]: 'This document was deleted.',
  [CloseCode.documentTooLarge]: 'The document is over its size limit. It stays readable, but changes are not saved.',
  [CloseCode.tooManySockets]: 'Too many connections to this document.',
}

/** True when a stock client will not reconnect after this close code. */
export function isPermanentClose(code: number): boolean {
  return code >= 4400 && code <= 4499
}

/** The Y.XmlFragment that holds the editor's content (Tiptap's Collaboration `field`). */
export const CONTENT_FIELD = 'default'
/** The Y.Text that holds the document's title. */
export const TITLE_FIELD = 'title'

/** The WebSocket path prefix: a document's channel is `${COLLAB_PATH}/<id>?key=<key>`. */
export const COLLAB_PATH = '/collab'
