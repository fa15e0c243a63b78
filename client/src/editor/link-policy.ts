import { isAllowedLink } from '@quire/shared/schema'

const SCHEME = /^[a-z][a-z0-9+.-]*:/i
const EMAIL = /^[^\s@/:]+@[^\s@/]+\.[^\s@/]+$/

/**
 * What a person typed into the link field, as the href to store, or undefined when it is not
 * allowed. The document keeps only http, https and mailto links (the shared schema's rule);
 * a bare host name gets https, a bare email address mailto.
 */
export function normalizeHref(input: string): string | undefined {
  const value = input.trim()
  if (value === '') return undefined
  const href = SCHEME.test(value) ? value : EMAIL.test(value) ? `mailto:${value}` : `https://${value}`
  if (!isAllowedLink(href)) return undefined
  // "https://foo" alone is a word, not a place: ask for a real host name (or localhost).
  const url = new URL(href)
  if (url.protocol !== 'mailto:' && !url.hostname.includes('.') && url.hostname !== 'localhost') return undefined
  return href
}
