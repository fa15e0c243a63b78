import type { Level } from 'level'
import type { Log } from '../logger.js'
import {
  NOT_WRITTEN,
  type DocHead,
  type DocMeta,
  type DocStore,
  type LogAppend,
  type LogEntry,
  type Since,
  type SnapshotDoc,
  type StoredDoc,
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
} from './level-layout.js'
import { LevelAttachments } from './level-attachments.js'
import { LevelHandle, type BatchOp, type ReadOptions } from './level-handle.js'
import { packUpdates, unpackUpdates } from './packing.js'
import { Recent } from './recent.js'

const encoder = new TextEncoder()

export interface LevelStoreOptions {
  /** fsync every write batch: survives power loss, at the cost measured in the README. */
  syncWrites: boolean
  log: Log
  /** Called when the store turns unhealthy and when it is healthy again. */
  onHealthChange?: (healthy: boolean) => void
}

/** The embedded default store: LevelDB in a directory of its own. */
export class LevelStore implements DocStore {
  readonly #handle: LevelHandle
  /** For reads: writes go through the handle, which stops them after a failure. */
  readonly #db: Level<string, Uint8Array>
  readonly #attachments: LevelAttachments
  /** The heads of recently used documents (see #head). */
  readonly #heads = new Recent<DocHead>(10_000)
  readonly #compactions = new Map<string, Promise<void>>()
  #appending: Promise<unknown> = Promise.resolve()

  constructor(location: string, options: LevelStoreOptions) {
    this.#handle = new LevelHandle(location, options)
    this.#db = this.#handle.db
    this.#attachments = new LevelAttachments(this.#handle)
  }

  get healthy(): boolean {
    return this.#handle.healthy
  }

  open(): Promise<void> {
    return this.#handle.open()
  }

  close(): Promise<void> {
    return this.#handle.close()
  }

  async createDoc(meta: DocMeta, state: Uint8Array): Promise<void> {
    await this.#write([
      { type: 'put', key: metaKey(meta.id), value: encodeMeta(meta) },
      { type: 'put', key: titleKey(meta.id), value: encoder.encode(meta.title) },
      { type: 'put', key: touchedKey(meta.id), value: encoder.encode(meta.updatedAt) },
      { type: 'put', key: baseKey(meta.id), value: state },
    ])
    this.#heads.remember(meta.id, { lastSeq: -1, epoch: meta.epoch })
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
    const known = this.#heads.get(meta.id)
    if (known) this.#heads.remember(meta.id, { ...known, epoch: meta.epoch })
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
    const known = this.#heads.get(id)
    if (!read.snapshot && known) this.#heads.remember(id, { ...known, lastSeq: Math.max(lastSeq, known.lastSeq) })
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
    const written = new Map<string, DocHead>()
    for (const { docId, updates, epoch } of entries) {
      const head = written.get(docId) ?? (await this.#head(docId))
      if (head === undefined) {
        seqs.push(NOT_WRITTEN.gone)
        continue
      }
      if (epoch !== undefined && epoch !== head.epoch) {
        seqs.push(NOT_WRITTEN.revoked)
        continue
      }
      const seq = head.lastSeq + 1
      written.set(docId, { ...head, lastSeq: seq })
      seqs.push(seq)
      ops.push({ type: 'put', key: logKey(docId, seq), value: packUpdates(updates) })
      ops.push({ type: 'put', key: touchedKey(docId), value: now })
    }
    await this.#write(ops)
    for (const [docId, head] of written) this.#heads.remember(docId, head)
    return seqs
  }

  /**
   * A document's last seq and epoch (none: there is no such document): remembered from its
   * creation, load, rotation or last write (one process writes a LevelDB, so nothing else moves
   * them), else read from its metadata and its newest log key.
   */
  async #head(id: string): Promise<DocHead | undefined> {
    const known = this.#heads.get(id)
    if (known !== undefined) return known
    const [[newest], [meta, baseSeq]] = await Promise.all([
      this.#db.keys({ gt: logPrefix(id), lt: logEnd(id), reverse: true, limit: 1 }).all(),
      this.#db.getMany([metaKey(id), baseSeqKey(id)]),
    ])
    if (meta === undefined) return undefined
    const lastSeq = Math.max(newest === undefined ? -1 : parseInt(newest.slice(logPrefix(id).length), 16), baseSeq === undefined ? -1 : decodeSeq(baseSeq))
    const head = { lastSeq, epoch: decodeMeta(id, meta, undefined, undefined).epoch }
    this.#heads.remember(id, head)
    return head
  }

  async readSince(id: string, afterSeq: number): Promise<Since> {
    const snapshot = this.#db.snapshot()
    try {
      const [base, baseSeqBytes] = await this.#db.getMany([baseKey(id), baseSeqKey(id)], { snapshot })
      const baseSeq = baseSeqBytes === undefined ? -1 : decodeSeq(baseSeqBytes)
      const from = Math.max(afterSeq, baseSeq)
      const entries = await this.#db.iterator({ snapshot, gt: from < 0 ? logPrefix(id) : logKey(id, from), lt: logEnd(id) }).all()
      const log = entries.flatMap(([key, packed]) => {
        const seq = parseInt(key.slice(logPrefix(id).length), 16)
        return unpackUpdates(packed).map((update) => ({ seq, update }))
      })
      return { ...(baseSeq > afterSeq ? { base } : {}), baseSeq, log }
    } finally {
      await snapshot.close()
    }
  }

  async heads(ids: readonly string[]): Promise<Map<string, DocHead>> {
    const heads = new Map<string, DocHead>()
    for (const id of ids) {
      const head = await this.#head(id)
      if (head) heads.set(id, head)
    }
    return heads
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
    this.#heads.forget(id)
    // The metadata goes first, so a crash halfway leaves no document behind, only bytes.
    await this.#write([{ type: 'del', key: metaKey(id) }])
    await this.#handle.guarded((db) => db.clear({ gt: docPrefix(id), lt: docEnd(id) }))
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
          versions: await this.#attachments.listVersions(meta.id, { snapshot }),
          version: (v) => this.#attachments.getVersion(meta.id, v, { snapshot }),
        }
      }
    } finally {
      await snapshot.close()
    }
  }

  // Versions and files, beside the content: see level-attachments.ts.
  addVersion: DocStore['addVersion'] = (id, info, state) => this.#attachments.addVersion(id, info, state)
  putVersion: DocStore['putVersion'] = (id, version) => this.#attachments.putVersion(id, version)
  listVersions: DocStore['listVersions'] = (id) => this.#attachments.listVersions(id)
  getVersion: DocStore['getVersion'] = (id, v) => this.#attachments.getVersion(id, v)
  deleteVersions: DocStore['deleteVersions'] = (id, vs) => this.#attachments.deleteVersions(id, vs)
  putFile: DocStore['putFile'] = (id, file) => this.#attachments.putFile(id, file)
  getFile: DocStore['getFile'] = (id, hash) => this.#attachments.getFile(id, hash)
  listFiles: DocStore['listFiles'] = (id) => this.#attachments.listFiles(id)
  deleteFiles: DocStore['deleteFiles'] = (id, hashes) => this.#attachments.deleteFiles(id, hashes)

  #write(ops: BatchOp[]): Promise<void> {
    return this.#handle.write(ops)
  }
}
