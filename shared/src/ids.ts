/** Every document id the server accepts, wherever an id is accepted (contract: "Document ids"). */
export const DOC_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

/** Length of the ids the server creates: 16 URL-safe characters carry 96 random bits. */
export const CREATED_DOC_ID_LENGTH = 16

export function isDocId(value: unknown): value is string {
  return typeof value === 'string' && DOC_ID_PATTERN.test(value)
}
