/**
 * The frames of the y-websocket protocol that Quire encodes, one encoder each, for the server,
 * the client and the tests alike (see protocol.ts for what they mean).
 */
import * as encoding from 'lib0/encoding'
import { MessageType, SyncStep } from './protocol.js'

/** One client's presence entry in an awareness update; `state` is JSON text (`null` = gone). */
export interface AwarenessEntry {
  clientId: number
  clock: number
  state: string
}

function encodeSync(step: number, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  encoding.writeVarUint(encoder, step)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

/** Step 1: the sender's state vector, "send me what I lack". */
export const encodeSyncStep1 = (stateVector: Uint8Array) => encodeSync(SyncStep.step1, stateVector)
/** Step 2: an update, the answer to a step 1. */
export const encodeSyncStep2 = (update: Uint8Array) => encodeSync(SyncStep.step2, update)
/** An update made after the handshake. */
export const encodeUpdate = (update: Uint8Array) => encodeSync(SyncStep.update, update)

/** An awareness message carrying `entries`. */
export function encodeAwareness(entries: Iterable<AwarenessEntry>): Uint8Array<ArrayBuffer> {
  const list = [...entries]
  const payload = encoding.createEncoder()
  encoding.writeVarUint(payload, list.length)
  for (const { clientId, clock, state } of list) {
    encoding.writeVarUint(payload, clientId)
    encoding.writeVarUint(payload, clock)
    encoding.writeVarString(payload, state)
  }
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.awareness)
  encoding.writeVarUint8Array(encoder, encoding.toUint8Array(payload))
  return encoding.toUint8Array(encoder)
}
