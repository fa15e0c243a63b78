import type * as Y from 'yjs'
import { ObservableV2 } from 'lib0/observable'
import { IndexeddbPersistence } from 'y-indexeddb'

/** The IndexedDB database that keeps a document on this device. */
export function offlineDbName(docId: string): string {
  return `quire.doc.${docId}`
}

/**
 * The document's copy on this device (y-indexeddb), so a reload while offline loses nothing.
 * `kept` says whether every change so far is written to IndexedDB: after each change we wait
 * for a read transaction on the same store, which IndexedDB runs only after the writes queued
 * before it have committed.
 */
export class OfflineCopy extends ObservableV2<{ change: (kept: boolean) => void }> {
  readonly persistence: IndexeddbPersistence
  /** Resolves once the stored copy has been loaded into the document. */
  readonly loaded: Promise<void>
  readonly #doc: Y.Doc
  #kept = true
  #generation = 0

  constructor(docId: string, doc: Y.Doc) {
    super()
    this.#doc = doc
    // y-indexeddb stores each update from its own 'update' listener, registered first.
    this.persistence = new IndexeddbPersistence(offlineDbName(docId), doc)
    this.loaded = this.persistence.whenSynced.then(() => undefined)
    doc.on('update', this.#onUpdate)
  }

  get kept(): boolean {
    return this.#kept
  }

  /** Removes this device's copy, as when the document was deleted. */
  async clear(): Promise<void> {
    this.#doc.off('update', this.#onUpdate)
    await this.persistence.clearData()
  }

  override destroy(): void {
    this.#doc.off('update', this.#onUpdate)
    void this.persistence.destroy()
    super.destroy()
  }

  readonly #onUpdate = (_update: Uint8Array, origin: unknown) => {
    if (origin === this.persistence) return
    const generation = ++this.#generation
    this.#setKept(false)
    void this.#flushed().then(
      () => {
        if (generation === this.#generation) this.#setKept(true)
      },
      () => {
        // IndexedDB failed (quota, private mode): the change is not kept here; say so by staying false.
      },
    )
  }

  /** Resolves once every write queued so far has committed. */
  async #flushed(): Promise<void> {
    await this.persistence.whenSynced
    const db = this.persistence.db
    if (!db) throw new Error('the offline copy is closed')
    await new Promise<void>((resolve, reject) => {
      const transaction = db.transaction(['updates'], 'readonly')
      transaction.oncomplete = () => resolve()
      transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB read failed'))
      transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB read aborted'))
    })
  }

  #setKept(kept: boolean): void {
    if (kept === this.#kept) return
    this.#kept = kept
    this.emit('change', [kept])
  }
}
