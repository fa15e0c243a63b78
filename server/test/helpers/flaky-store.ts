import type { VersionInfo } from '@quire/shared'
import type { DocMeta, DocStore, LogAppend, StoredDoc, StoredFile, StoredVersion } from '../../src/storage/doc-store.js'

/**
 * A real store whose content writes can be made to fail, as a full disk would make them;
 * `healthy` follows, as the real store's does until it has reopened.
 */
export class FlakyStore implements DocStore {
  failWrites = false
  readonly #inner: DocStore
  #loadGate: Promise<void> | undefined

  constructor(inner: DocStore) {
    this.#inner = inner
  }

  get healthy(): boolean {
    return !this.failWrites && this.#inner.healthy
  }

  open = () => this.#inner.open()
  close = () => this.#inner.close()
  createDoc = (meta: DocMeta, state: Uint8Array) => this.#inner.createDoc(meta, state)
  getMeta = (id: string) => this.#inner.getMeta(id)
  readSince = (id: string, afterSeq: number) => this.#inner.readSince(id, afterSeq)
  heads = (ids: readonly string[]) => this.#inner.heads(ids)
  putMeta = (meta: DocMeta) => this.#inner.putMeta(meta)
  putFile = (id: string, file: StoredFile) => this.#inner.putFile(id, file)
  getFile = (id: string, hash: string) => this.#inner.getFile(id, hash)
  listFiles = (id: string) => this.#inner.listFiles(id)
  deleteFiles = (id: string, hashes: readonly string[]) => this.#inner.deleteFiles(id, hashes)
  loadDoc = async (id: string): Promise<StoredDoc> => {
    await this.#loadGate
    return this.#inner.loadDoc(id)
  }

  /** Holds every document load from now until the returned function is called. */
  holdLoads(): () => void {
    let release!: () => void
    this.#loadGate = new Promise((resolve) => (release = resolve))
    return () => {
      this.#loadGate = undefined
      release()
    }
  }
  deleteDoc = (id: string) => this.#inner.deleteDoc(id)
  listDocs = () => this.#inner.listDocs()
  snapshotDocs = () => this.#inner.snapshotDocs()
  addVersion = (id: string, info: Omit<VersionInfo, 'v'>, state: Uint8Array) => this.#inner.addVersion(id, info, state)
  putVersion = (id: string, version: StoredVersion) => this.#inner.putVersion(id, version)
  listVersions = (id: string) => this.#inner.listVersions(id)
  getVersion = (id: string, v: number) => this.#inner.getVersion(id, v)
  deleteVersions = (id: string, vs: readonly number[]) => this.#inner.deleteVersions(id, vs)

  async appendUpdates(entries: readonly LogAppend[]): Promise<number[]> {
    if (this.failWrites) throw new Error('simulated I/O error: no space left on device')
    return this.#inner.appendUpdates(entries)
  }

  async compact(id: string, state: Uint8Array, throughSeq: number, title: string): Promise<void> {
    if (this.failWrites) throw new Error('simulated I/O error: no space left on device')
    return this.#inner.compact(id, state, throughSeq, title)
  }
}
