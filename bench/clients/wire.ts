/**
 * The y-websocket wire protocol as the load clients speak it, in the three framings the
 * servers under test expect. Pure: bytes in, bytes out.
 *
 *   yws         the y-websocket protocol as is (Quire, the classic y-websocket server)
 *   hocuspocus  the same messages, each prefixed with the document name as a varString, an
 *               auth message first, and a few message types of its own (ignored here)
 *   relay       the raw byte relay: no handshake, only updates and awareness pass through
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

export type Framing = 'yws' | 'hocuspocus' | 'relay'

const MESSAGE_SYNC = 0
const MESSAGE_AWARENESS = 1
const MESSAGE_AUTH = 2
const SYNC_STEP1 = 0
const SYNC_STEP2 = 1
const SYNC_UPDATE = 2
/** Hocuspocus: its answer to a step 1 comes back as this type, carrying the server's step 1. */
const HOCUSPOCUS_SYNC_REPLY = 4
const HOCUSPOCUS_AUTH_TOKEN = 0

/** What a load client cares about in a server's frame. */
export type Incoming =
  | { kind: 'step1'; stateVector: Uint8Array }
  | { kind: 'step2'; update: Uint8Array }
  | { kind: 'update'; update: Uint8Array }
  | { kind: 'awareness' }
  | { kind: 'other' }

export class Wire {
  readonly framing: Framing
  readonly #name: string

  constructor(framing: Framing, docName: string) {
    this.framing = framing
    this.#name = docName
  }

  /** The frames a client sends right after the socket opens. */
  hello(stateVector: Uint8Array): Uint8Array[] {
    if (this.framing === 'relay') return []
    const step1 = this.#sync(SYNC_STEP1, stateVector)
    if (this.framing === 'yws') return [step1]
    const auth = this.#start()
    encoding.writeVarUint(auth, MESSAGE_AUTH)
    encoding.writeVarUint(auth, HOCUSPOCUS_AUTH_TOKEN)
    encoding.writeVarString(auth, '')
    return [encoding.toUint8Array(auth), step1]
  }

  step2(update: Uint8Array): Uint8Array {
    return this.#sync(SYNC_STEP2, update)
  }

  update(update: Uint8Array): Uint8Array {
    return this.#sync(SYNC_UPDATE, update)
  }

  /** One client's presence: an awareness update with a single entry. */
  awareness(clientId: number, clock: number, state: string): Uint8Array {
    const payload = encoding.createEncoder()
    encoding.writeVarUint(payload, 1)
    encoding.writeVarUint(payload, clientId)
    encoding.writeVarUint(payload, clock)
    encoding.writeVarString(payload, state)
    const encoder = this.#start()
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS)
    encoding.writeVarUint8Array(encoder, encoding.toUint8Array(payload))
    return encoding.toUint8Array(encoder)
  }

  read(frame: Uint8Array): Incoming {
    const decoder = decoding.createDecoder(frame)
    if (this.framing === 'hocuspocus') decoding.readVarString(decoder)
    const type = decoding.readVarUint(decoder)
    if (type === MESSAGE_AWARENESS) return { kind: 'awareness' }
    if (type !== MESSAGE_SYNC && type !== HOCUSPOCUS_SYNC_REPLY) return { kind: 'other' }
    const step = decoding.readVarUint(decoder)
    const payload = decoding.readVarUint8Array(decoder)
    if (step === SYNC_STEP1) return { kind: 'step1', stateVector: payload }
    if (step === SYNC_STEP2) return { kind: 'step2', update: payload }
    if (step === SYNC_UPDATE) return { kind: 'update', update: payload }
    return { kind: 'other' }
  }

  #start(): encoding.Encoder {
    const encoder = encoding.createEncoder()
    if (this.framing === 'hocuspocus') encoding.writeVarString(encoder, this.#name)
    return encoder
  }

  #sync(step: number, payload: Uint8Array): Uint8Array {
    const encoder = this.#start()
    encoding.writeVarUint(encoder, MESSAGE_SYNC)
    encoding.writeVarUint(encoder, step)
    encoding.writeVarUint8Array(encoder, payload)
    return encoding.toUint8Array(encoder)
  }
}
