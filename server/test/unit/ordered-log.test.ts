/**
 * A room's log applies entries in seq order, each once, whoever wrote them: out-of-order
 * entries wait, a gap is filled from the store, doubled entries are ignored, and a base that
 * folds entries the room never saw moves it past them.
 */
import { describe, expect, it } from 'vitest'
import type { Since } from '../../src/storage/doc-store.js'
import { OrderedLog, type Batch } from '../../src/sync/ordered-log.js'
import { waitFor } from '../helpers/wait.js'

const entry = (name: string): Batch<string> => ({ updates: [{ update: new TextEncoder().encode(name), peer: undefined, author: '' }] })
const nameOf = (batch: Batch<string>) => new TextDecoder().decode(batch.updates[0]!.update)

function log(through: number, stored: Since = { baseSeq: -1, log: [] }) {
  const applied: string[] = []
  const reads: number[] = []
  const ordered = new OrderedLog<string>(through, {
    apply: (batch, own) => applied.push(`${nameOf(batch)}${own ? '' : '*'}`),
    applyBase: (base) => applied.push(`base:${new TextDecoder().decode(base)}`),
    readSince: (afterSeq) => {
      reads.push(afterSeq)
      return Promise.resolve(stored)
    },
    onFilled: () => undefined,
    onFillFailed: () => undefined,
  })
  return { ordered, applied, reads }
}

describe('OrderedLog', () => {
  it('applies entries in seq order, whatever order they come in, each once', () => {
    const { ordered, applied } = log(-1)
    ordered.take(1, entry('b'), false)
    ordered.take(0, entry('a'), true)
    ordered.take(1, entry('b'), false)
    ordered.take(0, entry('a'), true)
    ordered.take(2, entry('c'), true)
    expect(applied).toEqual(['a', 'b*', 'c'])
    expect(ordered.through).toBe(2)
    ordered.stop()
  })

  it('fills a gap from the store when the missing entry does not come', async () => {
    const missing = { seq: 1, update: new TextEncoder().encode('lost') }
    const { ordered, applied, reads } = log(0, { baseSeq: -1, log: [missing, { seq: 2, update: new TextEncoder().encode('c') }] })
    ordered.take(2, entry('c'), true)
    expect(applied).toEqual([])
    await waitFor('the gap to be filled', () => applied.length === 2)
    expect(reads).toEqual([0])
    // The entry it held keeps its own origin; the fetched one is another instance's.
    expect(applied).toEqual(['lost*', 'c'])
    ordered.stop()
  })

  it('jumps past entries folded into a stored base it never saw', async () => {
    const { ordered, applied } = log(0, { base: new TextEncoder().encode('1-5'), baseSeq: 5, log: [{ seq: 6, update: new TextEncoder().encode('f') }] })
    ordered.caughtUpTo(6)
    await waitFor('the catch-up', () => ordered.through === 6)
    expect(applied).toEqual(['base:1-5', 'f*'])
    ordered.take(4, entry('late'), false)
    expect(applied).toHaveLength(2)
    ordered.stop()
  })
})
