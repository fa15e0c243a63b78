import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { encodeAwareness, encodeSyncStep1, encodeSyncStep2, encodeUpdate } from '@quire/shared'
import { decodeAwarenessUpdate, decodeClientMessage, ProtocolError } from '../../src/sync/protocol.js'
import { awarenessMessage, textUpdate } from '../helpers/clients.js'

const update = textUpdate('hello')
const stateVector = Y.encodeStateVector(new Y.Doc())

describe('decodeClientMessage', () => {
  it('decodes each message a stock client sends', () => {
    expect(decodeClientMessage(encodeSyncStep1(stateVector))).toEqual({ type: 'sync-step1', stateVector, vector: Y.decodeStateVector(stateVector) })
    expect(decodeClientMessage(encodeSyncStep2(update))).toMatchObject({ type: 'sync-step2', update })
    const decoded = decodeClientMessage(encodeUpdate(update))
    expect(decoded).toMatchObject({ type: 'update', update })
    expect(decoded.type === 'update' && decoded.decoded.structs.map((struct) => struct.id.client)).toEqual([Y.decodeUpdate(update).structs[0]!.id.client])
    expect(decodeClientMessage(new Uint8Array([3]))).toEqual({ type: 'query-awareness' })
    expect(decodeClientMessage(new Uint8Array([2, 0, 1, 97]))).toEqual({ type: 'auth' })
    const awareness = decodeClientMessage(awarenessMessage([{ clientId: 1, clock: 2, state: { a: 1 } }]))
    expect(awareness.type).toBe('awareness')
  })

  it.each([
    ['an empty frame', []],
    ['a truncated varint', [0x80]],
    ['an unknown sync step', [0x00, 0x07, 0x00]],
    ['an unknown message type', [0x09]],
    ['a payload longer than the frame', [0x00, 0x02, 0x05, 0x00]],
    ['trailing bytes', [0x03, 0x00]],
    ['a type beyond 53 bits', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]],
  ])('refuses %s with a ProtocolError', (_name, bytes) => {
    expect(() => decodeClientMessage(new Uint8Array(bytes))).toThrow(ProtocolError)
  })

  it('refuses an update whose delete set is broken, before anything applies it', () => {
    // Valid structs followed by a delete set that ends early: Y.applyUpdate would insert the
    // text and then throw.
    const broken = update.slice(0, update.length - 1)
    const withBrokenDeletes = new Uint8Array([...broken, 0x05])
    const victim = new Y.Doc()
    expect(() => Y.applyUpdate(victim, withBrokenDeletes)).toThrow()
    expect(victim.getText('text').toString()).toBe('hello') // the trap: changed, then threw
    expect(() => decodeClientMessage(encodeUpdate(withBrokenDeletes))).toThrow(ProtocolError)
  })

  it('refuses a tiny update that declares millions of structs', () => {
    // 1 client, 30 000 000 structs, then nothing.
    const hostile = new Uint8Array([0x01, 0x80, 0x87, 0xa7, 0x0e, 0x01, 0x00])
    expect(() => decodeClientMessage(encodeUpdate(hostile))).toThrow(ProtocolError)
  })

  it('refuses a state vector that does not decode', () => {
    expect(() => decodeClientMessage(encodeSyncStep1(new Uint8Array([0x02, 0x01])))).toThrow(ProtocolError)
  })

  it('never throws anything but a ProtocolError, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeClientMessage(bytes)
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError)
        }
      }),
      { numRuns: 2_000, seed: 42 },
    )
  })

  it('never throws anything but a ProtocolError for mutated valid frames', () => {
    const frames = [
      encodeUpdate(update),
      encodeSyncStep1(Y.encodeStateVector(docWith('abc'))),
      awarenessMessage([{ clientId: 5, clock: 1, state: { user: { name: 'a' } } }]),
    ]
    const mutation = fc.record({
      frame: fc.constantFrom(...frames),
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      cut: fc.option(fc.nat()),
      extra: fc.uint8Array({ maxLength: 8 }),
    })
    fc.assert(
      fc.property(mutation, ({ frame, flips, cut, extra }) => {
        const bytes = Uint8Array.from(frame)
        for (const [at, value] of flips) bytes[at % bytes.length] = value
        const mutated = new Uint8Array([...bytes.slice(0, cut === null ? bytes.length : cut % (bytes.length + 1)), ...extra])
        try {
          decodeClientMessage(mutated)
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError)
        }
      }),
      { numRuns: 3_000, seed: 7 },
    )
  })
})

describe('awareness codec', () => {
  it('round-trips entries', () => {
    const entries = [
      { clientId: 1, clock: 3, state: '{"user":{"name":"Ada"}}' },
      { clientId: 99, clock: 0, state: 'null' },
    ]
    const message = decodeClientMessage(encodeAwareness(entries))
    expect(message.type === 'awareness' && decodeAwarenessUpdate(message.update)).toEqual(entries)
  })

  it('refuses a truncated awareness update', () => {
    expect(() => decodeAwarenessUpdate(new Uint8Array([0x02, 0x01, 0x01]))).toThrow(ProtocolError)
  })
})

function docWith(text: string): Y.Doc {
  const doc = new Y.Doc()
  doc.getText('t').insert(0, text)
  return doc
}
