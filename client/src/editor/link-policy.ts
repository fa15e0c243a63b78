/** The only schemes a link may use: anything else (javascript:, data:, file:…) is refused. */
export const ALLOWED_LINK_PROTOCOLS = ['http:', 'https:', 'mailto:'] as const

const SCHEME = /^([a-z][a-z0-9+.-]*):/i
// Whitespace and control characters that browsers strip from URLs (a classic way to hide "javascript:").
const INVISIBLE = /[\u0000-\u0020\u007f-\u009f\u00a0\u1680\u180e\u2000-\u2029\u205f\u3000\ufeff]/g

/**
 * Whether an href may be kept and rendered: an absolute http, https or mailto URL. Relative
 * and scheme-less hrefs are refused too, so what a link does never depends on where it is shown.
 */
export function isAllowedHref(href: string | null | undefined): boolean {
  if (!href) return false
  const compact = href.replace(INVISIBLE, '')
  return SCHEME.test(compact) && parsesWithAllowedProtocol(compact)
}

/** What a person typed into the link field, as the href to store (a bare host gets https); undefined if not allowed. */
export function normalizeHref(input: string): string | undefined {
  const value = input.trim()
  if (value === '') return undefined
  if (SCHEME.test(value)) return parsesWithAllowedProtocol(value) ? value : undefined
  if (/^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/.test(value)) return `mailto:${value}`
  return looksLikeHost(value) ? `https://${value}` : undefined
}

function parsesWithAllowedProtocol(value: string): boolean {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return false
  }
  if (!(ALLOWED_LINK_PROTOCOLS as readonly string[]).includes(url.protocol)) return false
  return url.protocol === 'mailto:' || url.hostname !== ''
}

function looksLikeHost(value: string): boolean {
  if (value.startsWith('/') || value.startsWith('\\')) return false
  let url: URL
  try {
    url = new URL(`https://${value}`)
  } catch {
    return false
  }
  return url.hostname.includes('.') && !url.username && !url.password
}
