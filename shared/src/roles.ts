/** What a key lets its holder do with one document. */
export const ROLES = ['owner', 'edit', 'view'] as const
export type Role = (typeof ROLES)[number]

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

/** Owners and editors write; viewers only read (the server drops their writes). */
export function canWrite(role: Role): boolean {
  return role !== 'view'
}
