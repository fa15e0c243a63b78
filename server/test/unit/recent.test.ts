import { describe, expect, it } from 'vitest'
import { Recent } from '../../src/storage/recent.js'

describe('Recent', () => {
  it('drops the value used least recently, a read counting as a use', () => {
    const recent = new Recent<number>(2)
    recent.remember('a', 1)
    recent.remember('b', 2)
    expect(recent.get('a')).toBe(1)
    recent.remember('c', 3)
    expect(recent.get('b')).toBeUndefined()
    expect(recent.get('a')).toBe(1)
    expect(recent.get('c')).toBe(3)
  })

  it('forgets a value on demand, and remembers a new one in its place', () => {
    const recent = new Recent<string>(2)
    recent.remember('a', 'old')
    recent.remember('a', 'new')
    expect(recent.get('a')).toBe('new')
    recent.forget('a')
    expect(recent.get('a')).toBeUndefined()
  })
})
