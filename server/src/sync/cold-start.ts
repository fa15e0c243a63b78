import * as Y from 'yjs'
import type { LogEntry, StoredDoc } from '../storage/doc-store.js'
import { applyStored, Origin, serverDoc } from './doc-fields.js'
import { encodeSyncStep2, encodeUpdate } from '@quire/shared'
import type { SyncReply } from './reply-cache.js'

/**
 * The longest log a fresh joiner's reply merges. Yjs merges n updates in about n² time, in
 * groups about n·√n: 29 ms for 500 typed characters in a fresh process, 31 ms for 1 500, 59 ms
 * for 4 000, while building the Y.Doc grows with the whole document. A large document's log
 * holds up to an eighth of its base before it is folded (see Compaction): 1 500 keystrokes in
 * one of 100 000 characters, whose Y.Doc takes about 100 ms to build.
 */
const MAX_MERGED_LOG = 2_000
const MERGE_GROUP = 32

/** Y.mergeUpdates over groups, then over the groups' results: about n·√n work instead of n². */
function mergeInGroups(updates: Uint8Array[]): Uint8Array {
  if (updates.length <= MERGE_GROUP) return Y.mergeUpdates(updates)
  const groups: Uint8Array[] = []
  for (let i = 0; i < updates.length; i += MERGE_GROUP) groups.push(Y.mergeUpdates(updates.slice(i, i + MERGE_GROUP)))
  return Y.mergeUpdates(groups)
}

/**
 * A room's Y.Doc, made from what was stored when it is first needed. A cold document answers
 * its first joiners with the bytes just read (`storedReply`) and builds the Y.Doc on the next
 * turn, so they do not wait for Yjs to integrate it and encode it again. A document without a
 * base, or with a log too long to merge quickly, builds it at once.
 */
export class ColdStart {
  readonly #onBuilt: (doc: Y.Doc) => void
  readonly #onPartialEntry: (seq: number, error: unknown) => void
  #doc: Y.Doc | undefined
  /** What was read from the store, until the Y.Doc is built from it. */
  #unapplied: StoredDoc | undefined
  #stopped = false
  /** The stored base and log as a fresh joiner's reply, if they make one. */
  readonly storedReply: SyncReply | undefined

  /**
   * `onBuilt` runs once the Y.Doc holds what was stored; `onPartialEntry` hears of a log entry
   * that applied only in part (it is applied as far as it goes, as when it was received).
   */
  constructor(stored: StoredDoc, onBuilt: (doc: Y.Doc) => void, onPartialEntry: (seq: number, error: unknown) => void) {
    this.#unapplied = stored
    this.#onBuilt = onBuilt
    this.#onPartialEntry = onPartialEntry
    this.storedReply = stored.base && replyOf(stored.base, stored.log)
    if (!this.storedReply) return
    // Unless someone needed the document sooner, or the room is gone already.
    setImmediate(() => {
      if (!this.#doc && !this.#stopped) this.#build()
    })
  }

  /** Builds the Y.Doc now if the stored bytes make no reply: call once the room is ready for it. */
  start(): void {
    if (!this.storedReply) this.#build()
  }

  get built(): boolean {
    return this.#doc !== undefined
  }

  get doc(): Y.Doc {
    return this.#doc ?? this.#build()
  }

  stop(): void {
    this.#stopped = true
    this.#doc?.destroy()
  }

  #build(): Y.Doc {
    const doc = serverDoc()
    this.#doc = doc
    const stored = this.#unapplied!
    this.#unapplied = undefined
    applyStored(doc, stored, Origin.load, this.#onPartialEntry)
    this.#onBuilt(doc)
    return doc
  }
}

/**
 * The stored base and log as a fresh joiner's reply; none if the log is too long or does not
 * merge. The log, merged into one update, goes first: the client holds it pending until the
 * base comes as the sync step 2, so once it counts itself synced it holds both. Merging a short
 * log is cheap; merging the base as well costs as much as building the Y.Doc.
 */
function replyOf(base: Uint8Array, log: readonly LogEntry[]): SyncReply | undefined {
  if (log.length === 0) return [encodeSyncStep2(base)]
  if (log.length > MAX_MERGED_LOG) return undefined
  try {
    return [encodeUpdate(mergeInGroups(log.map(({ update }) => update))), encodeSyncStep2(base)]
  } catch {
    // Applying the log reports the entry that fails.
    return undefined
  }
}
