import type { DocMeta, DocStore, LogAppend, SnapshotDoc, StoredDoc } from './doc-store.js'

interface MemoryDoc {
  meta: DocMeta
  base: Uint8Array
  log: Map<number, Uint8Array>
}

/** A store that keeps everything in memory: for unit tests and tools, never for serving. */
export class MemoryStore implements DocStore {
  readonly healthy = true
  readonly #docs = new Map<string, MemoryDoc>()

  async open(): Promise<void> {}
  async close(): Promise<void> {}

  async createDoc(meta: DocMeta, state: Uint8Array): Promise<void> {
    this.#docs.set(meta.id, { meta: { ...meta }, base: state.slice(), log: new Map() })
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
    if (!doc) return { base: undefined, log: [] }
    const log = [...doc.log].sort(([a], [b]) => a - b).map(([seq, update]) => ({ seq, update }))
    return { base: doc.base, log }
  }

  async appendUpdates(entries: readonly LogAppend[]): Promise<void> {
    const now = new Date().toISOString()
    for (const { docId, seq, update } of entries) {
      const doc = this.#docs.get(docId)
      if (!doc) continue
      doc.log.set(seq, update.slice())
      doc.meta.updatedAt = now
    }
  }

  async compact(id: string, state: Uint8Array, throughSeq: number, title: string): Promise<void> {
    const doc = this.#docs.get(id)
    if (!doc) return
    doc.base = state.slice()
    doc.meta.title = title
    for (const seq of doc.log.keys()) if (seq <= throughSeq) doc.log.delete(seq)
  }

  async deleteDoc(id: string): Promise<void> {
    this.#docs.delete(id)
  }

  async *listDocs(): AsyncIterable<DocMeta> {
    for (const doc of this.#docs.values()) yield { ...doc.meta }
  }

  async *snapshotDocs(): AsyncIterable<SnapshotDoc> {
    const copies = await Promise.all([...this.#docs.keys()].map(async (id) => ({ meta: (await this.getMeta(id))!, stored: await this.loadDoc(id) })))
    yield* copies
  }
}
