import { describe, expect, it } from 'vitest'
import { jsonDepth, PresenceStates } from '../../src/sync/presence.js'

const limits = { maxStateBytes: 1024, maxDepth: 4, maxClientsPerPeer: 2 }
const alice = 'alice'
const mallory = 'mallory'

describe('PresenceStates', () => {
  it('accepts a peer announcing and renewing its own client id', () => {
    const states = new PresenceStates<string>(limits)
    expect(states.apply(alice, [{ clientId: 1, clock: 0, state: '{"n":"a"}' }])).toHaveLength(1)
    expect(states.apply(alice, [{ clientId: 1, clock: 1, state: '{"n":"b"}' }])).toHaveLength(1)
    expect(states.apply(alice, [{ clientId: 1, clock: 1, state: '{"n":"c"}' }])).toHaveLength(0)
    expect(states.snapshot()).toEqual([{ clientId: 1, clock: 1, state: '{"n":"b"}' }])
  })

  it("refuses setting or removing another peer's state", () => {
    const states = new PresenceStates<string>(limits)
    states.apply(alice, [{ clientId: 1, clock: 0, state: '{}' }])
    expect(states.apply(mallory, [{ clientId: 1, clock: 9, state: '{"evil":1}' }])).toEqual([])
    expect(states.apply(mallory, [{ clientId: 1, clock: 9, state: 'null' }])).toEqual([])
    expect(states.snapshot()).toEqual([{ clientId: 1, clock: 0, state: '{}' }])
  })

  it("lets no echo of a departed client's state claim its id, but lets the client come back", () => {
    const states = new PresenceStates<string>(limits)
    const bob = 'bob'
    states.join(alice)
    states.join(bob)
    states.apply(alice, [{ clientId: 1, clock: 5, state: '{"n":"a"}' }])
    expect(states.removePeer(alice)).toEqual([{ clientId: 1, clock: 6, state: 'null' }])
    // Bob heard Alice's state before she left; his echo arrives after her removal.
    expect(states.apply(bob, [{ clientId: 1, clock: 5, state: '{"n":"a"}' }])).toEqual([])
    // Alice on a new socket announces herself at the clock she had.
    const aliceAgain = 'alice again'
    states.join(aliceAgain)
    expect(states.apply(aliceAgain, [{ clientId: 1, clock: 5, state: '{"n":"a"}' }])).toHaveLength(1)
    // Or she was on a third socket before that one went: she hears its removal and goes on from it.
    const aliceThird = 'alice third'
    states.join(aliceThird)
    states.removePeer(aliceAgain)
    expect(states.apply(aliceThird, [{ clientId: 1, clock: 6, state: '{"n":"a"}' }])).toEqual([])
    expect(states.apply(aliceThird, [{ clientId: 1, clock: 7, state: '{"n":"a"}' }])).toHaveLength(1)
  })

  it('keeps nothing for removals of unknown ids, and bounds the ids per peer', () => {
    const states = new PresenceStates<string>(limits)
    const nulls = Array.from({ length: 1000 }, (_, i) => ({ clientId: 100 + i, clock: 1, state: 'null' }))
    expect(states.apply(mallory, nulls)).toEqual([])
    expect(states.size).toBe(0)
    const many = Array.from({ length: 10 }, (_, i) => ({ clientId: 100 + i, clock: 1, state: '{}' }))
    expect(states.apply(mallory, many)).toHaveLength(2)
    expect(states.size).toBe(2)
  })

  it('refuses states too large, too deep, not JSON, or with a clock at the end of the safe range', () => {
    const states = new PresenceStates<string>(limits)
    expect(states.apply(alice, [{ clientId: 1, clock: 0, state: JSON.stringify('x'.repeat(2000)) }])).toEqual([])
    expect(states.apply(alice, [{ clientId: 1, clock: 0, state: '[[[[[1]]]]]' }])).toEqual([])
    expect(states.apply(alice, [{ clientId: 1, clock: 0, state: '{nope' }])).toEqual([])
    expect(states.apply(alice, [{ clientId: 1, clock: Number.MAX_SAFE_INTEGER, state: '{}' }])).toEqual([])
    expect(states.size).toBe(0)
  })

  it('removes every state of a peer that leaves, with a newer clock', () => {
    const states = new PresenceStates<string>(limits)
    states.apply(alice, [
      { clientId: 1, clock: 4, state: '{}' },
      { clientId: 2, clock: 0, state: '{}' },
    ])
    states.apply(mallory, [{ clientId: 3, clock: 0, state: '{}' }])
    expect(states.removePeer(alice)).toEqual([
      { clientId: 1, clock: 5, state: 'null' },
      { clientId: 2, clock: 1, state: 'null' },
    ])
    expect(states.snapshot().map((entry) => entry.clientId)).toEqual([3])
    // The id is free again once its owner left.
    expect(states.apply(mallory, [{ clientId: 1, clock: 6, state: '{}' }])).toHaveLength(1)
  })
})

describe('jsonDepth', () => {
  it.each([
    ['1', 0],
    ['{}', 1],
    ['{"a":[1,{"b":2}]}', 3],
    ['"[[[[[["', 0],
    ['{"a":"\\"[["}', 1],
  ])('%s is %i deep', (json, depth) => {
    expect(jsonDepth(json)).toBe(depth)
  })
})
