import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { BusMessage } from './bus.js'

const KIND = { update: 0, presence: 1, rotated: 2, deleted: 3, alive: 4 } as const

/** A bus message as bytes: compact, and an update's bytes as they are (no base64, no JSON). */
export function encodeBusMessage(message: BusMessage): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, KIND[message.kind])
  encoding.writeVarString(encoder, message.from)
  switch (message.kind) {
    case 'update':
      encoding.writeVarString(encoder, message.doc)
      encoding.writeVarUint(encoder, message.seq)
      encoding.writeVarString(encoder, message.author)
      encoding.writeFloat64(encoder, message.sentAt)
      encoding.writeVarUint(encoder, message.updates.length)
      for (const update of message.updates) encoding.writeVarUint8Array(encoder, update)
      break
    case 'presence':
      encoding.writeVarString(encoder, message.doc)
      encoding.writeVarUint(encoder, message.entries.length)
      for (const { clientId, clock, state } of message.entries) {
        encoding.writeVarUint(encoder, clientId)
        encoding.writeVarUint(encoder, clock)
        encoding.writeVarString(encoder, state)
      }
      break
    case 'rotated':
      encoding.writeVarString(encoder, message.doc)
      encoding.writeVarUint(encoder, message.epoch)
      break
    case 'deleted':
      encoding.writeVarString(encoder, message.doc)
      break
    case 'alive':
      break
  }
  return encoding.toUint8Array(encoder)
}

/** Decodes a bus message; throws on bytes that are not one (another program on the channel, say). */
export function decodeBusMessage(bytes: Uint8Array): BusMessage {
  const decoder = decoding.createDecoder(bytes)
  const kind = decoding.readVarUint(decoder)
  const from = decoding.readVarString(decoder)
  switch (kind) {
    case KIND.update: {
      const doc = decoding.readVarString(decoder)
      const seq = decoding.readVarUint(decoder)
      const author = decoding.readVarString(decoder)
      const sentAt = decoding.readFloat64(decoder)
      const updates = Array.from({ length: decoding.readVarUint(decoder) }, () => decoding.readVarUint8Array(decoder))
      return { kind: 'update', from, doc, seq, author, sentAt, updates }
    }
    case KIND.presence: {
      const doc = decoding.readVarString(decoder)
      const entries = Array.from({ length: decoding.readVarUint(decoder) }, () => ({
        clientId: decoding.readVarUint(decoder),
        clock: decoding.readVarUint(decoder),
        state: decoding.readVarString(decoder),
      }))
      return { kind: 'presence', from, doc, entries }
    }
    case KIND.rotated:
      return { kind: 'rotated', from, doc: decoding.readVarString(decoder), epoch: decoding.readVarUint(decoder) }
    case KIND.deleted:
      return { kind: 'deleted', from, doc: decoding.readVarString(decoder) }
    case KIND.alive:
      return { kind: 'alive', from }
    default:
      throw new Error(`not a bus message (kind ${kind})`)
  }
}
