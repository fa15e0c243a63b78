import { Level } from 'level'
import type { VersionInfo } from '@quire/shared'
import type { Log } from '../logger.js'
import {
  StoreUnavailableError,
  type DocMeta,
  type DocStore,
  type LogAppend,
  type LogEntry,
  type SnapshotDoc,
  type StoredDoc,
  type StoredVersion,
} from './doc-store.js'
import {
  baseKey,
  baseSeqKey,
  decodeMeta,
  decodeSeq,
  docEnd,
  docPrefix,
  encodeMeta,
  logEnd,
  logKey,
  logPrefix,
  metaKey,
  titleKey,
  touchedKey,
  versionInfoKey,
  versionInfoPrefix,
  versionStateKey,
} from './level-layout.js'
import { packUpdates, unpackUpdates } from './packing.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Reads from an explicit snapshot, or from the live database. */
type ReadOptions = { snapshot?: ReturnType<Level['snapshot']> }
type BatchOp = { type: 'put'; key: string; value: Uint8Array } | { type: 'del'; key: string }

export interface LevelStoreOptions {
  /** fsync every write batch: survives power loss, at the cost measured in the README. */
  syncWrites: boolean
  log: Log
  /** Called when the store turns unhealthy and when it is healthy again. */
  onHealthChange?: (healthy: boolean) => void
}

/** The embedded default store: LevelDB in a directory of its own. */
export class LevelStore implements DocStore {
  readonly #db: Level<string, Uint8Array>
  readonly #options: LevelStoreOptions
  #healthy = true
  #closed = false
  /** The last seq of recently written documents (see #lastSeq). */
  readonly #lastSeqs = new RecentNumbers(10_000)
  readonly #compactions = new Map<string, Promise<void>>()
  #appending: Promise<unknown> = Promise.resolve()

  constructor(location: string, options: LevelStoreOptions) {
    this.#db = new Level<string, Uint8Array>(location, { keyEncoding: 'utf8', valueEncoding: 'view' })
    this.#options = options
  }

  get healthy(): boolean {
    return this.#healthy
  }

  async open(): Promise<void> {
    await this.#db.open()
  }

  async close(): Promise<void> {
    this.#closed = true
    await this.#db.close()
  }

  async createDoc(meta: DocMeta, state: Uint8Array): Promise<void> {
    await this.#write([
      { type: 'put', key: metaKey(meta.id), value: encodeMeta(meta) },
      { type: 'put', key: titleKey(meta.id), value: encoder.encode(meta.title) },
      { type: 'put', key: touchedKey(meta.id), value: encoder.encode(meta.updatedAt) },
      { type: 'put', key: baseKey(meta.id), value: state },
    ])
    this.#lastSeqs.remember(meta.id, -1)
  }

  getMeta(id: string): Promise<DocMeta | undefined> {
    return this.#getMeta(id, {})
  }

  async #getMeta(id: string, read: ReadOptions): Promise<DocMeta | undefined> {
    const [meta, title, touched] = await this.#db.getMany([metaKey(id), titleKey(id), touchedKey(id)], read)
    if (meta === undefined) return undefined
    return decodeMeta(id, meta, title, touched)
  }

  async putMeta(meta: DocMeta): Promise<void> {
    await this.#write([{ type: 'put', key: metaKey(meta.id), value: encodeMeta(meta) }])
  }

  loadDoc(id: string): Promise<StoredDoc> {
    return this.#loadDoc(id, {})
  }

  async #loadDoc(id: string, read: ReadOptions): Promise<StoredDoc> {
    const [base, baseSeq] = await this.#db.getMany([baseKey(id), baseSeqKey(id)], read)
    const prefix = logPrefix(id)
    // One call for the whole range: an await per entry costs more than the reading.
    const compactedThrough = baseSeq === undefined ? -1 : decodeSeq(baseSeq)
    const from = compactedThrough < 0 ? { gt: prefix } : { gt: logKey(id, compactedThrough) }
    const entries = await this.#db.iterator({ ...read, ...from, lt: logEnd(id) }).all()
    const log: LogEntry[] = []
    let lastSeq = compactedThrough
    for (const [key, packed] of entries) {
      lastSeq = parseInt(key.slice(prefix.length), 16)
      for (const update of unpackUpdates(packed)) log.push({ seq: lastSeq, update })
    }
    // A write may have landed since this read began: the cache never goes back.
    if (!read.snapshot) this.#lastSeqs.remember(id, Math.max(lastSeq, this.#lastSeqs.get(id) ?? -1))
    return { base, log, lastSeq }
  }

  /** One append at a time: each takes its seqs from the last one's. */
  appendUpdates(entries: readonly LogAppend[]): Promise<number[]> {
    const running = this.#appending.then(() => this.#append(entries))
    this.#appending = running.catch(() => undefined)
    return running
  }

  async #append(entries: readonly LogAppend[]): Promise<number[]> {
    const now = encoder.encode(new Date().toISOString())
    const ops: BatchOp[] = []
    const seqs: number[] = []
    // A document may have several entries in one batch: each takes the next seq.
    const last = new Map<string, number>()
    for (const { docId, updates } of entries) {
      const previous = last.get(docId) ?? (await this.#lastSeq(docId))
      if (previous === undefined) {
        seqs.push(-1)
        continue
      }
      const seq = previous + 1
      last.set(docId, seq)
      seqs.push(seq)
      ops.push({ type: 'put', key: logKey(docId, seq), value: packUpdates(updates) })
      ops.push({ type: 'put', key: touchedKey(docId), value: now })
    }
    await this.#write(ops)
    for (const [docId, seq] of last) this.#lastSeqs.remember(docId, seq)
    return seqs
  }

  /**
   * The last seq written for a document (none: there is no such document): remembered from
   * its creation, load or last write (one process writes a LevelDB, so nothing else moves it),
   * else read from its newest log key.
   */
  async #lastSeq(id: string): Promise<number | undefined> {
    const known = this.#lastSeqs.get(id)
    if (known !== undefined) return known
    const [[newest], [meta, baseSeq]] = await Promise.all([
      this.#db.keys({ gt: logPrefix(id), lt: logEnd(id), reverse: true, limit: 1 }).all(),
      this.#db.getMany([metaKey(id), baseSeqKey(id)]),
    ])
    if (meta === undefined) return undefined
    const last = Math.max(newest === undefined ? -1 : parseInt(newest.slice(logPrefix(id).length), 16), baseSeq === undefined ? -1 : decodeSeq(baseSeq))
    this.#lastSeqs.remember(id, last)
    return last
  }

  /** One compaction of a document at a time: its check of the base and its write belong together. */
  compact(id: string, state: Uint8Array, throughSeq: number, title: string): Promise<void> {
    const previous = this.#compactions.get(id) ?? Promise.resolve()
    const running = previous.then(() => this.#compact(id, state, throughSeq, title))
    const settled = running.catch(() => undefined)
    this.#compactions.set(id, settled)
    void settled.then(() => {
      if (this.#compactions.get(id) === settled) this.#compactions.delete(id)
    })
    return running
  }

  async #compact(id: string, state: Uint8Array, throughSeq: number, title: string): Promise<void> {
    const baseSeq = await this.#db.get(baseSeqKey(id))
    // A base that covers more already stays.
    if (baseSeq !== undefined && decodeSeq(baseSeq) > throughSeq) return
    const after = baseSeq === undefined ? logPrefix(id) : logKey(id, decodeSeq(baseSeq))
    const [first] = await this.#db.keys({ gt: after, lt: logEnd(id), limit: 1 }).all()
    const ops: BatchOp[] = [
      { type: 'put', key: baseKey(id), value: state },
      { type: 'put', key: baseSeqKey(id), value: encoder.encode(String(throughSeq)) },
      { type: 'put', key: titleKey(id), value: encoder.encode(title) },
    ]
    if (first !== undefined) {
      const firstSeq = parseInt(first.slice(logPrefix(id).length), 16)
      for (let seq = firstSeq; seq <= throughSeq; seq++) ops.push({ type: 'del', key: logKey(id, seq) })
    }
    await this.#write(ops)
  }

  async deleteDoc(id: string): Promise<void> {
    this.#assertHealthy()
    this.#lastSeqs.forget(id)
    try {
      // The metadata goes first, so a crash halfway leaves no document behind, only bytes.
      await this.#db.del(metaKey(id), { sync: this.#options.syncWrites })
      await this.#db.clear({ gt: docPrefix(id), lt: docEnd(id) })
    } catch (error) {
      this.#fail(error)
      throw error
    }
  }

  listDocs(): AsyncIterable<DocMeta> {
    return this.#listDocs({})
  }

  /** Seeks from one document's keys to the next's: a step per document, not per key. */
  async *#listDocs(read: ReadOptions): AsyncIterable<DocMeta> {
    let from = 'd!'
    for (;;) {
      const [key] = await this.#db.keys({ ...read, gt: from, lt: 'd"', limit: 1 }).all()
      if (key === undefined) return
      const id = key.slice(2, key.indexOf('!', 2))
      const meta = await this.#getMeta(id, read)
      if (meta) yield meta
      from = docEnd(id)
    }
  }

  async *snapshotDocs(): AsyncIterable<SnapshotDoc> {
    const snapshot = this.#db.snapshot()
    try {
      for await (const meta of this.#listDocs({ snapshot })) {
        yield {
          meta,
          stored: await this.#loadDoc(meta.id, { snapshot }),
          versions: await this.#listVersions(meta.id, { snapshot }),
          version: (v) => this.#getVersion(meta.id, v, { snapshot }),
        }
      }
    } finally {
      await snapshot.close()
    }
  }

  async putVersion(id: string, { info, state }: StoredVersion): Promise<void> {
    await this.#write([
      { type: 'put', key: versionInfoKey(id, info.v), value: encoder.encode(JSON.stringify(info)) },
      { type: 'put', key: versionStateKey(id, info.v), value: state },
    ])
  }

  listVersions(id: string): Promise<VersionInfo[]> {
    return this.#listVersions(id, {})
  }

  async #listVersions(id: string, read: ReadOptions): Promise<VersionInfo[]> {
    const prefix = versionInfoPrefix(id)
    const values = await this.#db.values({ ...read, gt: prefix, lt: prefix.slice(0, -1) + '"' }).all()
    return values.map((value) => JSON.parse(decoder.decode(value)) as VersionInfo)
  }

  getVersion(id: string, v: number): Promise<StoredVersion | undefined> {
    return this.#getVersion(id, v, {})
  }

  async #getVersion(id: string, v: number, read: ReadOptions): Promise<StoredVersion | undefined> {
    const [info, state] = await this.#db.getMany([versionInfoKey(id, v), versionStateKey(id, v)], read)
    if (info === undefined || state === undefined) return undefined
    return { info: JSON.parse(decoder.decode(info)) as VersionInfo, state }
  }

  async deleteVersions(id: string, vs: readonly number[]): Promise<void> {
    await this.#write(
      vs.flatMap((v) => [
        { type: 'del' as const, key: versionInfoKey(id, v) },
        { type: 'del' as const, key: versionStateKey(id, v) },
      ]),
    )
  }

  async #write(ops: BatchOp[]): Promise<void> {
    this.#assertHealthy()
    try {
      await this.#db.batch(ops, { sync: this.#options.syncWrites })
    } catch (error) {
      this.#fail(error)
      throw error
    }
  }

  #assertHealthy(): void {
    if (!this.#healthy) throw new StoreUnavailableError()
  }

  /**
   * A LevelDB handle that saw an I/O error (a full disk, say) may drop later writes that
   * report success, so it takes no writes until it has been closed and opened again.
   */
  #fail(error: unknown): void {
    if (!this.#healthy || this.#closed) return
    this.#healthy = false
    this.#options.log.error({ err: error }, 'store write failed; reopening the store')
    this.#options.onHealthChange?.(false)
    void this.#reopen()
  }

  async #reopen(): Promise<void> {
    for (let attempt = 0; !this.#closed; attempt++) {
      try {
        await this.#db.close()
        await this.#db.open()
        if (this.#closed) return
        this.#healthy = true
        this.#options.log.info('store reopened; taking writes again')
        this.#options.onHealthChange?.(true)
        return
      } catch (error) {
        const delayMs = Math.min(30_000, 250 * 2 ** attempt)
        this.#options.log.error({ err: error, delayMs }, 'store reopen failed; retrying')
        await new Promise((resolve) => setTimeout(resolve, delayMs).unref())
      }
    }
  }
}

/** Numbers by key, the most recently used `size` of them. */
class RecentNumbers {
  readonly #size: number
  readonly #numbers = new Map<string, number>()

  constructor(size: number) {
    this.#size = size
  }

  get(key: string): number | undefined {
    return this.#numbers.get(key)
  }

  remember(key: string, value: number): void {
    this.#numbers.delete(key)
    this.#numbers.set(key, value)
    if (this.#numbers.size > this.#size) this.#numbers.delete(this.#numbers.keys().next().value!)
  }

  forget(key: string): void {
    this.#numbers.delete(key)
  }
}
