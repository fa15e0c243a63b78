import * as Y from 'yjs'
import type { VersionInfo, VersionKind } from '@quire/shared'
import { systemClock, type Clock, type Timer } from '../clock.js'
import type { Log } from '../logger.js'
import type { DocStore } from '../storage/doc-store.js'
import { versionsToPrune, type RetentionPolicy } from './retention.js'

export interface VersionPolicy {
  /** A version is taken once editing has paused this long… */
  afterIdleMs: number
  /** …and at least this often while editing goes on. */
  everyMs: number
  retention: RetentionPolicy
  /** Named versions and restores a document keeps at most: they are never pruned. */
  maxKept: number
  /**
   * Whether this keeper takes the automatic versions now: in a cluster, one instance at a time
   * does (it hears everyone's authors), so a version is not taken twice. Always, alone.
   */
  keepsVersions?: () => Promise<boolean>
}

/** The document keeps as many named versions and restores as it may. */
export class VersionLimitError extends Error {
  override name = 'VersionLimitError'
  readonly kept: number
  constructor(kept: number) {
    super(`the document keeps ${kept} named versions and restores, the most it may`)
    this.kept = kept
  }
}

/** A version saved by hand: a new one, or the newest one named, when nothing changed since. */
export interface NamedVersion {
  info: VersionInfo
  created: boolean
}

/** Names remembered between two versions, at most. */
const MAX_AUTHORS = 50

/**
 * The versions of one open document: taken automatically when a burst of editing settles
 * (and every so often while it does not), and by hand. A version is the document's whole
 * state: simple, and it loads as fast as the document does. Older automatic versions are
 * pruned by the retention policy after each new one.
 */
export class VersionKeeper {
  readonly #docId: string
  /** The room's document, which the room makes on first use. */
  readonly #doc: () => Y.Doc
  readonly #store: DocStore
  readonly #policy: VersionPolicy
  readonly #log: Log
  readonly #authors = new Set<string>()
  #changed = false
  readonly #clock: Clock
  #idleTimer: Timer | undefined
  #everyTimer: Timer | undefined
  /** The newest version, and the document's snapshot when this keeper took it. */
  #newest: { info: VersionInfo; snapshot: Y.Snapshot } | undefined
  /** Takes run one after another, so numbers and prunes never cross. */
  #queue: Promise<unknown> = Promise.resolve()

  constructor(docId: string, doc: () => Y.Doc, store: DocStore, policy: VersionPolicy, log: Log, clock: Clock = systemClock) {
    this.#docId = docId
    this.#clock = clock
    this.#doc = doc
    this.#store = store
    this.#policy = policy
    this.#log = log
  }

  /** The document changed, by these people: a version will follow once editing settles. */
  changed(authors: Iterable<string>): void {
    for (const author of authors) if (this.#authors.size < MAX_AUTHORS) this.#authors.add(author)
    if (!this.#changed) {
      this.#changed = true
      this.#everyTimer = this.#clock.setTimeout(() => this.#takeAutomatically(), this.#policy.everyMs)
    }
    this.#clock.clearTimeout(this.#idleTimer)
    this.#idleTimer = this.#clock.setTimeout(() => this.#takeAutomatically(), this.#policy.afterIdleMs)
  }

  /** Takes a version now if anything changed since the last one (before a document unloads). */
  async flush(): Promise<void> {
    if (this.#changed && (await this.#keeps())) await this.take('auto')
  }

  take(kind: VersionKind, options: { name?: string | null; restoredFrom?: number | null } = {}): Promise<VersionInfo> {
    return this.#serially(() => this.#take(kind, options.name ?? null, options.restoredFrom ?? null))
  }

  /**
   * Saves a named version. When nothing changed since the newest version, that one takes the
   * name instead: saving an unchanged document again stores no second copy.
   */
  name(name: string): Promise<NamedVersion> {
    return this.#serially(async () => {
      const newest = this.#newest
      if (newest && Y.equalSnapshots(newest.snapshot, Y.snapshot(this.#doc()))) {
        const info: VersionInfo = { ...newest.info, name, kind: newest.info.kind === 'auto' ? 'named' : newest.info.kind }
        const stored = await this.#store.getVersion(this.#docId, info.v)
        if (stored) {
          await this.#store.putVersion(this.#docId, { info, state: stored.state })
          newest.info = info
          return { info, created: false }
        }
      }
      return { info: await this.#take('named', name, null), created: true }
    })
  }

  /** Refuses once the document keeps as many named versions and restores as it may. */
  async assertRoomForKept(): Promise<void> {
    const kept = (await this.#store.listVersions(this.#docId)).filter((version) => version.kind !== 'auto').length
    if (kept >= this.#policy.maxKept) {
      throw new VersionLimitError(kept)
    }
  }

  #serially<T>(work: () => Promise<T>): Promise<T> {
    const running = this.#queue.then(work)
    this.#queue = running.catch(() => undefined)
    return running
  }

  destroy(): void {
    this.#clock.clearTimeout(this.#idleTimer)
    this.#clock.clearTimeout(this.#everyTimer)
  }

  #takeAutomatically(): void {
    if (!this.#changed) return
    void this.#keeps().then((keeps) => {
      if (keeps) return this.take('auto').catch((error: unknown) => this.#log.error({ err: error, docId: this.#docId }, 'could not take a version'))
      // Another instance keeps this document's versions, and heard of these changes too.
      this.destroy()
      this.#authors.clear()
      this.#changed = false
    })
  }

  async #keeps(): Promise<boolean> {
    return this.#policy.keepsVersions ? this.#policy.keepsVersions() : true
  }

  async #take(kind: VersionKind, name: string | null, restoredFrom: number | null): Promise<VersionInfo> {
    this.destroy()
    const authors = [...this.#authors]
    const wasChanged = this.#changed
    this.#authors.clear()
    this.#changed = false
    const doc = this.#doc()
    const state = Y.encodeStateAsUpdate(doc)
    const snapshot = Y.snapshot(doc)
    try {
      if (kind !== 'auto') await this.assertRoomForKept()
      const info = await this.#store.addVersion(
        this.#docId,
        { createdAt: new Date(this.#clock.now()).toISOString(), authors, name, kind, restoredFrom, bytes: state.length },
        state,
      )
      this.#newest = { info, snapshot }
      if (kind === 'auto') await this.#prune()
      return info
    } catch (error) {
      // Nothing was saved: the changes still wait for a version.
      if (wasChanged) this.changed(authors)
      throw error
    }
  }

  async #prune(): Promise<void> {
    const prune = versionsToPrune(await this.#store.listVersions(this.#docId), this.#clock.now(), this.#policy.retention)
    if (prune.length > 0) await this.#store.deleteVersions(this.#docId, prune)
  }
}
