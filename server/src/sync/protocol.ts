/**
 * The y-websocket wire protocol, decoded into a typed union and encoded back. Pure: no I/O,
 * no Yjs document. Every frame is `varUint type` followed by the type's payload:
 *
 *   sync (0)             varUint step, then varUint8Array payload
 *     step 1 (0)           the sender's state vector: "send me what I lack"
 *     step 2 (1)           an update: the answer to a step 1
 *     update (2)           an update made after the handshake
 *   awareness (1)        varUint8Array awareness update (presence states)
 *   auth (2)             sent by servers only; a client's is ignored
 *   query awareness (3)  no payload: "send me every presence state"
 *
 * The handshake: each side sends step 1 on connect, answers the other's step 1 with step 2,
 * and from then on sends updates. A stock client counts itself synced when its step 1 is
 * answered.
 *
 * Decoding is strict: a frame with trailing bytes, an unknown type or a payload that is not a
 * valid Yjs update or state vector is refused with a ProtocolError, before anything touches a
 * document (Y.applyUpdate would integrate the structs of a broken update before it throws).
 */
import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'
import { MessageType, SyncStep, type AwarenessEntry } from '@quire/shared'
import type { DecodedUpdate } from './update-checks.js'

/** A sync step 1: the sender's state vector, as sent and decoded. */
export interface SyncRequest {
  type: 'sync-step1'
  stateVector: Uint8Array
  vector: Map<number, number>
}

/** An update and what it decodes to: checks read the structs without decoding again. */
export interface UpdateMessage {
  type: 'sync-step2' | 'update'
  update: Uint8Array
  decoded: DecodedUpdate
}

export type ClientMessage = SyncRequest | UpdateMessage | { type: 'awareness'; update: Uint8Array } | { type: 'auth' } | { type: 'query-awareness' }

/** A frame that is not a valid message. */
export class ProtocolError extends Error {
  override name = 'ProtocolError'
}

function decodeStrictly<T>(bytes: Uint8Array, what: string, read: (decoder: decoding.Decoder) => T): T {
  const decoder = decoding.createDecoder(bytes)
  let value: T
  try {
    value = read(decoder)
  } catch (error) {
    if (error instanceof ProtocolError) throw error
    throw new ProtocolError(`${what}: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError(`${what}: trailing bytes`)
  return value
}

/** Decodes a complete, well-formed Yjs (v1) update, or throws a ProtocolError. */
export function decodeUpdate(update: Uint8Array): DecodedUpdate {
  try {
    return Y.decodeUpdate(update)
  } catch (error) {
    throw new ProtocolError(`invalid update: ${error instanceof Error ? error.message : String(error)}`)
  }
}

function decodeStateVector(stateVector: Uint8Array): Map<number, number> {
  try {
    return Y.decodeStateVector(stateVector)
  } catch (error) {
    throw new ProtocolError(`invalid state vector: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/**
 * Decodes a client's frame. The payloads are views into `frame`: copy a frame that lives in a
 * reused buffer before decoding it.
 */
export function decodeClientMessage(frame: Uint8Array): ClientMessage {
  return decodeStrictly(frame, 'undecodable frame', (decoder): ClientMessage => {
    const type = decoding.readVarUint(decoder)
    switch (type) {
      case MessageType.sync: {
        const step = decoding.readVarUint(decoder)
        const payload = decoding.readVarUint8Array(decoder)
        if (step === SyncStep.step1) return { type: 'sync-step1', stateVector: payload, vector: decodeStateVector(payload) }
        if (step === SyncStep.step2) return { type: 'sync-step2', update: payload, decoded: decodeUpdate(payload) }
        if (step === SyncStep.update) return { type: 'update', update: payload, decoded: decodeUpdate(payload) }
        throw new Error(`unknown sync step ${step}`)
      }
      case MessageType.awareness:
        return { type: 'awareness', update: decoding.readVarUint8Array(decoder) }
      case MessageType.auth:
        // A server-to-client message; what a client puts after the type is of no interest.
        decoder.pos = frame.length
        return { type: 'auth' }
      case MessageType.queryAwareness:
        return { type: 'query-awareness' }
      default:
        throw new Error(`unknown message type ${type}`)
    }
  })
}

/** Decodes the payload of an awareness message. */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  return decodeStrictly(update, 'undecodable awareness update', (decoder) => {
    const count = decoding.readVarUint(decoder)
    const entries: AwarenessEntry[] = []
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      const state = decoding.readVarString(decoder)
      entries.push({ clientId, clock, state })
    }
    return entries
  })
}
