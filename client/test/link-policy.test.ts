import { describe, expect, it } from 'vitest'
import { normalizeHref } from '../src/editor/link-policy.js'

describe('normalizeHref', () => {
  it('keeps http, https and mailto addresses', () => {
    expect(normalizeHref('https://example.org/a?b#c')).toBe('https://example.org/a?b#c')
    expect(normalizeHref(' http://example.org ')).toBe('http://example.org')
    expect(normalizeHref('mailto:ada@example.org')).toBe('mailto:ada@example.org')
  })

  it('completes a bare host name or email address', () => {
    expect(normalizeHref('example.org/page')).toBe('https://example.org/page')
    expect(normalizeHref('ada@example.org')).toBe('mailto:ada@example.org')
  })

  it('refuses every other scheme, however it is disguised', () => {
    for (const href of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'java\tscript:alert(1)',
      ' data:text/html,<b>x</b>',
      'file:///etc/passwd',
      'vbscript:x',
      'ftp://example.org',
    ]) {
      expect(normalizeHref(href), href).toBeUndefined()
    }
  })

  it('refuses what is not an address', () => {
    expect(normalizeHref('')).toBeUndefined()
    expect(normalizeHref('hello')).toBeUndefined()
    expect(normalizeHref('/relative/path')).toBeUndefined()
  })
})
