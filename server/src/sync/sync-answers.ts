import * as Y from 'yjs'
import type { SyncEvents } from './events.js'
import { encodeSyncStep1, encodeSyncStep2 } from '@quire/shared'
import type { SyncRequest } from './protocol.js'
import { EMPTY_STATE_VECTOR, knownPart, ReplyCache, type SyncReply } from './reply-cache.js'

/**
 * What a room says in a sync handshake, encoded once until the document changes: its state
 * vector (its own step 1), and its answers to the peers' step 1s, shared among joiners with the
 * same known state. A cold room answers a fresh joiner with the stored bytes it was given.
 */
export class SyncAnswers {
  readonly #doc: () => Y.Doc
  readonly #events: SyncEvents
  readonly #replies = new ReplyCache()
  #stateVector: Uint8Array | undefined

  constructor(doc: () => Y.Doc, storedReply: SyncReply | undefined, events: SyncEvents) {
    this.#doc = doc
    this.#events = events
    if (storedReply) this.#replies.set(EMPTY_STATE_VECTOR, storedReply)
  }

  /** The room's step 1: "send me what I lack". */
  stateVector(): Uint8Array {
    this.#stateVector ??= encodeSyncStep1(Y.encodeStateVector(this.#doc()))
    return this.#stateVector
  }

  /**
   * Answers a step 1 from the part of its state vector the document knows (a fresh joiner's
   * needs no Y.Doc), so made-up clients and clocks share the replies of real ones.
   */
  reply({ vector }: SyncRequest): SyncReply {
    const stateVector = vector.size === 0 ? EMPTY_STATE_VECTOR : knownPart(vector, this.#doc())
    const { reply, cached } = this.#replies.reply(stateVector, () => [encodeSyncStep2(Y.encodeStateAsUpdate(this.#doc(), stateVector))])
    this.#events.syncReplied?.(cached ? 'cached' : 'encoded')
    return reply
  }

  /** The document changed: every encoding is out of date. */
  changed(): void {
    this.#stateVector = undefined
    this.#replies.clear()
  }
}
