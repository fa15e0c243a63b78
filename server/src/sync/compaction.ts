import * as Y from 'yjs'
import type { Log } from '../logger.js'
import type { DocStore, StoredDoc } from '../storage/doc-store.js'
import { readTitle } from './doc-fields.js'
import type { SyncEvents } from './events.js'

export interface CompactionLimits {
  maxDocumentBytes: number
  compactAfterUpdates: number
  compactAfterBytes: number
}

/**
 * A compaction encodes and writes the whole document, so folding a log that is small beside
 * its base costs the base's size every `compactAfterUpdates` updates: quadratic in the
 * document, which shows where every keystroke lands somewhere else in a large text (Yjs cannot
 * merge such items into runs). Past the count, the log must also hold this share of the base's
 * bytes, so the cost per update stays constant...
 */
const LOG_SHARE_OF_BASE = 1 / 8
/** ...and never more than this many times the count: the log a cold load replays stays bounded. */
const MAX_COUNT_FACTOR = 32

export interface CompactionDeps {
  store: DocStore
  limits: CompactionLimits
  log: Log
  events: SyncEvents
}

/**
 * One document's size on disk (its base and the log written after it) and the compaction
 * that folds the log into the base: when the log passes a threshold, on demand, and before a
 * write that would pass the size limit, since the log overstates the size (it keeps every
 * keystroke). A compaction writes the document's state as it stands, which holds exactly what
 * is committed up to `committedSeq()`, so updates still being written stay in the log.
 */
export class Compaction {
  readonly #id: string
  readonly #deps: CompactionDeps
  readonly #state: () => Y.Doc
  readonly #committedSeq: () => number
  #baseBytes: number
  #logBytes: number
  #logCount: number
  #running: Promise<void> | undefined
  #stopped = false

  constructor(id: string, stored: StoredDoc, state: () => Y.Doc, committedSeq: () => number, deps: CompactionDeps) {
    this.#id = id
    this.#deps = deps
    this.#state = state
    this.#committedSeq = committedSeq
    this.#baseBytes = stored.base?.length ?? 0
    this.#logCount = stored.log.length
    this.#logBytes = stored.log.reduce((sum, { update }) => sum + update.length, 0)
  }

  get logCount(): number {
    return this.#logCount
  }

  /** Counts a written batch of this room's own into the log. */
  logged(bytes: number, count: number): void {
    this.#logBytes += bytes
    this.#logCount += count
  }

  /**
   * Counts another instance's batch into the size alone: each instance compacts after its own
   * writes, so that they do not all fold the same log at once.
   */
  grew(bytes: number): void {
    this.#baseBytes += bytes
  }

  /**
   * Whether `bytes` more (beside `pendingBytes` on their way) keep the document within its
   * limit. Past it, the log is folded first: that measures the document's real size.
   */
  makeRoomFor(bytes: number, pendingBytes: number): boolean {
    const size = () => this.#baseBytes + this.#logBytes + pendingBytes + bytes
    if (size() <= this.#deps.limits.maxDocumentBytes) return true
    if (this.#logCount > 0 && !this.#running) void this.compact()
    return size() <= this.#deps.limits.maxDocumentBytes
  }

  /** Compacts if the log passed a threshold and no compaction is running. */
  ifDue(): void {
    if (!this.#running && this.#due()) void this.compact()
  }

  #due(): boolean {
    const { compactAfterUpdates, compactAfterBytes } = this.#deps.limits
    if (this.#logBytes >= compactAfterBytes || this.#logCount >= compactAfterUpdates * MAX_COUNT_FACTOR) return true
    return this.#logCount >= compactAfterUpdates && this.#logBytes >= this.#baseBytes * LOG_SHARE_OF_BASE
  }

  /** Replaces the stored base with the document's state and drops the log it covers, atomically. */
  compact(): Promise<void> {
    if (this.#running) return this.#running.then(() => this.compact())
    if (this.#logCount === 0 || this.#stopped) return Promise.resolve()
    const doc = this.#state()
    const state = Y.encodeStateAsUpdate(doc)
    const covered = { base: this.#baseBytes, log: this.#logBytes, count: this.#logCount }
    this.#baseBytes = state.length
    this.#logBytes = 0
    this.#logCount = 0
    this.#running = this.#deps.store
      .compact(this.#id, state, this.#committedSeq(), readTitle(doc))
      .then(
        () => {
          this.#deps.events.compacted?.()
          return true
        },
        (error: unknown) => {
          this.#deps.log.error({ err: error, docId: this.#id }, 'compaction failed; the log is kept')
          this.#baseBytes = covered.base
          this.#logBytes += covered.log
          this.#logCount += covered.count
          return false
        },
      )
      .then((written) => {
        this.#running = undefined
        // The log may have passed the threshold again while this one was written.
        if (written) this.ifDue()
      })
    return this.#running
  }

  /** Resolves once no compaction is running. */
  async idle(): Promise<void> {
    await this.#running
  }

  /** The room is gone: it compacts nothing any more, whatever its document holds by then. */
  stop(): void {
    this.#stopped = true
  }
}
