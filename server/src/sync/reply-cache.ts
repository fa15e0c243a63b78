import { createHash } from 'node:crypto'
import * as Y from 'yjs'

/** State vectors up to this size key the cache (thousands of writers). */
const MAX_KEYED_STATE_VECTOR_BYTES = 64 * 1024
const MAX_REPLIES = 16
/**
 * What one document's cached replies may hold in all. A joiner's reply is up to the whole
 * document, and a viewer can send made-up state vectors: without a byte bound, 16 of them
 * would keep 16 copies of a large document.
 */
const MAX_BYTES = 8 * 1024 * 1024

/** The state vector of an empty document: what a fresh client sends. */
export const EMPTY_STATE_VECTOR = new Uint8Array([0])

/** The messages that answer a sync step 1, sent in order: the step 2 last, updates it needs before it. */
export type SyncReply = readonly Uint8Array[]

/**
 * Sync replies by the state vector they answer, valid until the document changes: joiners
 * with the same state (a join storm after a restart) share one encoding.
 */
export class ReplyCache {
  readonly #replies = new Map<string, SyncReply>()
  #bytes = 0

  /** The cached reply to `stateVector`, else the one `encode` makes, kept for the next joiner. */
  reply(stateVector: Uint8Array, encode: () => SyncReply): { reply: SyncReply; cached: boolean } {
    const key = keyOf(stateVector)
    const cached = key === undefined ? undefined : this.#replies.get(key)
    if (cached) return { reply: cached, cached: true }
    const reply = encode()
    this.#keep(key, reply)
    return { reply, cached: false }
  }

  /** Keeps `reply` if it fits; the first reply is always kept (a fresh joiner's, usually). */
  set(stateVector: Uint8Array, reply: SyncReply): void {
    this.#keep(keyOf(stateVector), reply)
  }

  #keep(key: string | undefined, reply: SyncReply): void {
    if (key === undefined || this.#replies.size >= MAX_REPLIES || this.#replies.has(key)) return
    const bytes = reply.reduce((sum, message) => sum + message.length, 0)
    if (this.#replies.size > 0 && this.#bytes + bytes > MAX_BYTES) return
    this.#replies.set(key, reply)
    this.#bytes += bytes
  }

  clear(): void {
    this.#replies.clear()
    this.#bytes = 0
  }
}

/**
 * What of a joiner's state vector the document knows: its clients, each at the clock it names
 * or the document's, whichever is lower. The reply to it is the same as to the vector itself,
 * so made-up clients and clocks from the future share the cached replies of real ones.
 */
export function knownPart(vector: ReadonlyMap<number, number>, doc: Y.Doc): Uint8Array {
  const known = new Map<number, number>()
  for (const [client, clock] of vector) {
    const state = Y.getState(doc.store, client)
    if (state > 0 && clock > 0) known.set(client, Math.min(clock, state))
  }
  return known.size === 0 ? EMPTY_STATE_VECTOR : Y.encodeStateVector(known)
}

/**
 * A digest, not the vector itself: a document's state vector names every client that ever
 * wrote to it, so a long-lived one's is long, and its joiners must share replies too.
 */
function keyOf(stateVector: Uint8Array): string | undefined {
  if (stateVector.length > MAX_KEYED_STATE_VECTOR_BYTES) return undefined
  return createHash('sha256').update(stateVector).digest('base64')
}
