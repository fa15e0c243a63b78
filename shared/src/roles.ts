/** What a key lets its holder do with one document, from most to least. */
export const ROLES = ['owner', 'edit', 'comment', 'view'] as const
export type Role = (typeof ROLES)[number]

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

/** Owners and editors write; commenters and viewers do not change the text (the server drops their text writes). */
export function canWrite(role: Role): boolean {
  return role === 'owner' || role === 'edit'
}

/** Owners, editors and commenters add, answer and resolve comments; viewers only read them. */
export function canComment(role: Role): boolean {
  return role !== 'view'
}
