import { describe, expect, it } from 'vitest'
import { EMPTY_STATE_VECTOR, ReplyCache } from '../../src/sync/reply-cache.js'

const vector = (n: number, length = 8) => new Uint8Array(length).fill(n)
const MiB = 1024 * 1024

/** Whether the cache answers `stateVector` without encoding (a miss keeps nothing). */
function isCached(cache: ReplyCache, stateVector: Uint8Array): boolean {
  try {
    cache.reply(stateVector, () => {
      throw new Error('not cached')
    })
    return true
  } catch {
    return false
  }
}

describe('ReplyCache', () => {
  it('encodes a reply once and shares it among joiners with the same state vector, however long', () => {
    const cache = new ReplyCache()
    const reply = [new Uint8Array([1, 2, 3])]
    let encodings = 0
    const encode = () => {
      encodings++
      return reply
    }
    expect(cache.reply(vector(1, 40_000), encode)).toEqual({ reply, cached: false })
    expect(cache.reply(vector(1, 40_000), encode)).toEqual({ reply, cached: true })
    expect(encodings).toBe(1)
    expect(cache.reply(vector(2, 40_000), encode).cached).toBe(false)
    cache.clear()
    expect(isCached(cache, vector(1, 40_000))).toBe(false)
  })

  it('holds a few copies of a large document at most, and always the first reply', () => {
    const cache = new ReplyCache()
    cache.set(EMPTY_STATE_VECTOR, [new Uint8Array(20 * MiB)])
    expect(isCached(cache, EMPTY_STATE_VECTOR)).toBe(true)
    cache.set(vector(1), [new Uint8Array(MiB)])
    expect(isCached(cache, vector(1))).toBe(false)

    const small = new ReplyCache()
    // The messages of one reply count together.
    for (let i = 0; i < 40; i++) small.reply(vector(i), () => [new Uint8Array(2 * MiB), new Uint8Array(MiB)])
    const kept = Array.from({ length: 40 }, (_, i) => isCached(small, vector(i))).filter(Boolean)
    expect(kept.length).toBeGreaterThan(1)
    expect(kept.length * 3 * MiB).toBeLessThanOrEqual(8 * MiB)
  })
})
