import { describe, expect, it } from 'vitest'
import { LinkKeys } from '../../src/access/link-keys.js'

const keys = new LinkKeys(Buffer.alloc(32, 1))

describe('LinkKeys', () => {
  it('grants each role its own key, and only on its document', () => {
    for (const role of ['owner', 'edit', 'comment', 'view'] as const) {
      const key = keys.mint('doc-a', role, 0)
      expect(key).toMatch(/^[A-Za-z0-9_-]{24}$/)
      expect(keys.verify('doc-a', key, 0)).toBe(role)
      expect(keys.verify('doc-b', key, 0)).toBeUndefined()
    }
    expect(new Set(['owner', 'edit', 'comment', 'view'].map((role) => keys.mint('doc-a', role as 'edit', 0))).size).toBe(4)
  })

  it('stops older edit and view keys when the epoch moves, but keeps the owner key', () => {
    const edit = keys.mint('doc', 'edit', 0)
    const view = keys.mint('doc', 'view', 0)
    const owner = keys.mint('doc', 'owner', 0)
    // Verified once at the old epoch first: what that kept must not outlive the rotation.
    expect(keys.verify('doc', edit, 0)).toBe('edit')
    expect(keys.verify('doc', edit, 1)).toBeUndefined()
    expect(keys.verify('doc', view, 1)).toBeUndefined()
    expect(keys.verify('doc', owner, 1)).toBe('owner')
    expect(keys.verify('doc', keys.mint('doc', 'edit', 1), 1)).toBe('edit')
    // And back: a stale epoch read after the new one is checked as what it says.
    expect(keys.verify('doc', edit, 0)).toBe('edit')
  })

  it('verifies the same across more documents than it keeps minted', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `doc-${i}`)
    for (const id of ids) expect(keys.verify(id, keys.mint(id, 'comment', 2), 2)).toBe('comment')
    for (const id of ids) {
      expect(keys.verify(id, keys.mint(id, 'view', 2), 2)).toBe('view')
      expect(keys.verify(id, keys.mint(id, 'view', 1), 2)).toBeUndefined()
    }
  })

  it('refuses keys of another secret and keys of the wrong shape', () => {
    const other = new LinkKeys(Buffer.alloc(32, 2))
    expect(keys.verify('doc', other.mint('doc', 'owner', 0), 0)).toBeUndefined()
    expect(keys.verify('doc', '', 0)).toBeUndefined()
    expect(keys.verify('doc', 'x'.repeat(1000), 0)).toBeUndefined()
    expect(keys.verify('doc', keys.mint('doc', 'owner', 0) + 'A', 0)).toBeUndefined()
  })
})
