import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

/** A batch's updates as one value: a count, then each update with its length. */
export function packUpdates(updates: readonly Uint8Array[]): Uint8Array {
  const packed = encoding.createEncoder()
  encoding.writeVarUint(packed, updates.length)
  for (const update of updates) encoding.writeVarUint8Array(packed, update)
  return encoding.toUint8Array(packed)
}

export function unpackUpdates(packed: Uint8Array): Uint8Array[] {
  const decoder = decoding.createDecoder(packed)
  const count = decoding.readVarUint(decoder)
  const updates: Uint8Array[] = []
  for (let i = 0; i < count; i++) updates.push(decoding.readVarUint8Array(decoder))
  return updates
}
