import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { ServerState, rangesCover } from '../src/collab/server-state.js'

/** A server's copy and a client's, exchanging real Yjs updates as the sync protocol would. */
function pair() {
  const server = new Y.Doc()
  const client = new Y.Doc()
  const known = new ServerState()
  /** The server's answer to a sync step 1 with the given state vector: what the client learns from. */
  const answer = (vector: Map<number, number> = known.probeVector(client)) => known.learnUpdate(Y.encodeStateAsUpdate(server, Y.encodeStateVector(vector)))
  /** The client's changes reach the server (what the provider sends). */
  const send = () => Y.applyUpdate(server, Y.encodeStateAsUpdate(client, Y.encodeStateVector(server)))
  return { server, client, known, answer, send }
}

/** A local change stays pending through an answer that predates it, and ends once it was sent. */
function expectPendingUntilSent({ client, known, answer, send }: ReturnType<typeof pair>): void {
  expect(known.holdsAllOf(client)).toBe(false)
  answer()
  expect(known.holdsAllOf(client)).toBe(false)
  send()
  answer()
  expect(known.holdsAllOf(client)).toBe(true)
}

describe('ServerState', () => {
  it('says an insertion is pending until the server holds it', () => {
    const sides = pair()
    sides.client.getText('t').insert(0, 'hello')
    expectPendingUntilSent(sides)
  })

  it('sees a deletion that adds no item, which a state vector alone would miss', () => {
    const sides = pair()
    sides.client.getText('t').insert(0, 'hello')
    expectPendingUntilSent(sides)
    sides.client.getText('t').delete(1, 3)
    expectPendingUntilSent(sides)
  })

  it('learns from the server state vector of a join and from relayed updates', () => {
    const { server, client, known, send } = pair()
    client.getText('t').insert(0, 'abc')
    send()
    known.learnStateVector(Y.encodeStateVector(server))
    expect(known.holdsAllOf(client)).toBe(true)

    // Someone else's update, relayed by the server, tells nothing about ours.
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(server))
    other.getText('t').insert(0, 'x')
    const relayed = Y.encodeStateAsUpdate(other, Y.encodeStateVector(server))
    Y.applyUpdate(server, relayed)
    Y.applyUpdate(client, relayed)
    known.learnUpdate(relayed)
    expect(known.holdsAllOf(client)).toBe(true)
    client.getText('t').insert(0, 'y')
    known.learnUpdate(relayed)
    expect(known.holdsAllOf(client)).toBe(false)
  })

  it('covers content loaded from another session (an earlier client id) only once the server has it', () => {
    const { server, known, answer, send, client } = pair()
    const earlier = new Y.Doc()
    earlier.getText('t').insert(0, 'typed offline, then reloaded')
    Y.applyUpdate(client, Y.encodeStateAsUpdate(earlier))
    answer()
    expect(known.holdsAllOf(client)).toBe(false)
    send()
    answer()
    expect(known.holdsAllOf(client)).toBe(true)
    expect(server.getText('t').toString()).toBe('typed offline, then reloaded')
  })

  it('asks only for what it does not know yet', () => {
    const { client, known, answer, send } = pair()
    client.getText('t').insert(0, 'abc')
    send()
    answer()
    const vector = known.probeVector(client)
    expect(vector.get(client.clientID)).toBe(3)
  })
})

describe('rangesCover', () => {
  const r = (clock: number, len: number) => ({ clock, len })
  it('accepts ranges inside known ranges and refuses gaps', () => {
    expect(rangesCover([r(0, 10)], [r(2, 3), r(5, 5)])).toBe(true)
    expect(rangesCover([r(0, 5), r(6, 4)], [r(4, 3)])).toBe(false)
    expect(rangesCover([r(3, 2)], [r(0, 1)])).toBe(false)
    expect(rangesCover([], [r(0, 1)])).toBe(false)
    expect(rangesCover([r(0, 1)], [])).toBe(true)
  })
})
