import type { VersionInfo } from '@quire/shared'
import {
  NOT_WRITTEN,
  type DocHead,
  type DocMeta,
  type DocStore,
  type FileInfo,
  type LogAppend,
  type Since,
  type SnapshotDoc,
  type StoredDoc,
  type StoredFile,
  type StoredVersion,
} from './doc-store.js'

interface MemoryDoc {
  meta: DocMeta
  base: Uint8Array
  log: Map<number, readonly Uint8Array[]>
  versions: Map<number, StoredVersion>
  files: Map<string, StoredFile>
  compactedThrough: number
  lastSeq: number
}

/** A store that keeps everything in memory: for unit tests and tools, never for serving. */
export class MemoryStore implements DocStore {
  readonly healthy = true
  readonly #docs = new Map<string, MemoryDoc>()

  async open(): Promise<void> {}
  async close(): Promise<void> {}

  async createDoc(meta: DocMeta, state: Uint8Array): Promise<void> {
    this.#docs.set(meta.id, {
      meta: { ...meta },
      base: state.slice(),
      log: new Map(),
      versions: new Map(),
      files: new Map(),
      compactedThrough: -1,
      lastSeq: -1,
    })
  }

  async getMeta(id: string): Promise<DocMeta | undefined> {
    const doc = this.#docs.get(id)
    return doc && { ...doc.meta }
  }

  async putMeta(meta: DocMeta): Promise<void> {
    const doc = this.#docs.get(meta.id)
    if (doc) doc.meta = { ...doc.meta, createdAt: meta.createdAt, epoch: meta.epoch }
  }

  async loadDoc(id: string): Promise<StoredDoc> {
    const doc = this.#docs.get(id)
    if (!doc) return { base: undefined, log: [], lastSeq: -1 }
    const entries = [...doc.log].sort(([a], [b]) => a - b)
    const log = entries.flatMap(([seq, updates]) => updates.map((update) => ({ seq, update })))
    return { base: doc.base, log, lastSeq: doc.lastSeq }
  }

  async appendUpdates(entries: readonly LogAppend[]): Promise<number[]> {
    const now = new Date().toISOString()
    return entries.map(({ docId, updates, epoch }) => {
      const doc = this.#docs.get(docId)
      if (!doc) return NOT_WRITTEN.gone
      if (epoch !== undefined && epoch !== doc.meta.epoch) return NOT_WRITTEN.revoked
      const seq = ++doc.lastSeq
      doc.log.set(
        seq,
        updates.map((update) => update.slice()),
      )
      doc.meta.updatedAt = now
      return seq
    })
  }

  async readSince(id: string, afterSeq: number): Promise<Since> {
    const doc = this.#docs.get(id)
    const { base, log } = await this.loadDoc(id)
    const baseSeq = doc?.compactedThrough ?? -1
    return { ...(baseSeq > afterSeq ? { base } : {}), baseSeq, log: log.filter(({ seq }) => seq > afterSeq) }
  }

  async heads(ids: readonly string[]): Promise<Map<string, DocHead>> {
    const heads = new Map<string, DocHead>()
    for (const id of ids) {
      const doc = this.#docs.get(id)
      if (doc) heads.set(id, { lastSeq: doc.lastSeq, epoch: doc.meta.epoch })
    }
    return heads
  }

  async compact(id: string, state: Uint8Array, throughSeq: number, title: string): Promise<void> {
    const doc = this.#docs.get(id)
    // A base that covers more already stays.
    if (!doc || doc.compactedThrough > throughSeq) return
    doc.base = state.slice()
    doc.meta.title = title
    doc.compactedThrough = throughSeq
    for (const seq of doc.log.keys()) if (seq <= throughSeq) doc.log.delete(seq)
  }

  async deleteDoc(id: string): Promise<void> {
    this.#docs.delete(id)
  }

  async *listDocs(): AsyncIterable<DocMeta> {
    for (const doc of this.#docs.values()) yield { ...doc.meta }
  }

  async addVersion(id: string, info: Omit<VersionInfo, 'v'>, state: Uint8Array): Promise<VersionInfo> {
    const versions = this.#docs.get(id)?.versions
    const added = { ...info, v: Math.max(0, ...(versions?.keys() ?? [])) + 1 }
    await this.putVersion(id, { info: added, state })
    return added
  }

  async putVersion(id: string, version: StoredVersion): Promise<void> {
    this.#docs.get(id)?.versions.set(version.info.v, { info: structuredClone(version.info), state: version.state.slice() })
  }

  async listVersions(id: string): Promise<VersionInfo[]> {
    const versions = [...(this.#docs.get(id)?.versions.values() ?? [])]
    return versions.sort((a, b) => a.info.v - b.info.v).map(({ info }) => structuredClone(info))
  }

  async getVersion(id: string, v: number): Promise<StoredVersion | undefined> {
    return this.#docs.get(id)?.versions.get(v)
  }

  async deleteVersions(id: string, vs: readonly number[]): Promise<void> {
    for (const v of vs) this.#docs.get(id)?.versions.delete(v)
  }

  async putFile(id: string, file: StoredFile): Promise<boolean> {
    const files = this.#docs.get(id)?.files
    if (!files) return false
    if (!files.has(file.hash)) files.set(file.hash, { ...file, bytes: file.bytes.slice() })
    return true
  }

  async getFile(id: string, hash: string): Promise<StoredFile | undefined> {
    return this.#docs.get(id)?.files.get(hash)
  }

  async listFiles(id: string): Promise<FileInfo[]> {
    const files = [...(this.#docs.get(id)?.files.values() ?? [])]
    return files.map(({ hash, type, size, createdAt }) => ({ hash, type, size, createdAt })).sort((a, b) => a.hash.localeCompare(b.hash))
  }

  async deleteFiles(id: string, hashes: readonly string[]): Promise<void> {
    for (const hash of hashes) this.#docs.get(id)?.files.delete(hash)
  }

  async *snapshotDocs(): AsyncIterable<SnapshotDoc> {
    const copies = await Promise.all(
      [...this.#docs.keys()].map(async (id) => {
        const versions = new Map(
          (await Promise.all((await this.listVersions(id)).map((info) => this.getVersion(id, info.v)))).map((version) => [version!.info.v, version!]),
        )
        return {
          meta: (await this.getMeta(id))!,
          stored: await this.loadDoc(id),
          versions: [...versions.values()].map(({ info }) => info),
          version: async (v: number) => versions.get(v),
        }
      }),
    )
    yield* copies
  }
}
