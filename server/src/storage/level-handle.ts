import { Level } from 'level'
import { StoreLockedError, StoreUnavailableError } from './doc-store.js'
import type { LevelStoreOptions } from './level-store.js'

/** Reads from an explicit snapshot, or from the live database. */
export type ReadOptions = { snapshot?: ReturnType<Level['snapshot']> }

export type BatchOp = { type: 'put'; key: string; value: Uint8Array } | { type: 'del'; key: string }

/**
 * The LevelDB under the embedded store: opens it, writes to it, and after a failed write
 * closes and reopens it before it takes writes again. A LevelDB handle that saw an I/O error
 * (a full disk, say) may drop later writes that report success.
 */
export class LevelHandle {
  /** For reads; writes go through `write` and `guarded`. */
  readonly db: Level<string, Uint8Array>
  readonly #location: string
  readonly #options: LevelStoreOptions
  #healthy = true
  #closed = false

  constructor(location: string, options: LevelStoreOptions) {
    this.db = new Level<string, Uint8Array>(location, { keyEncoding: 'utf8', valueEncoding: 'view' })
    this.#location = location
    this.#options = options
  }

  /** False after a write failed, until LevelDB has been reopened. */
  get healthy(): boolean {
    return this.#healthy
  }

  async open(): Promise<void> {
    await this.db.open().catch((error: unknown) => {
      const cause = (error as { cause?: { code?: unknown } }).cause
      throw cause?.code === 'LEVEL_LOCKED' ? new StoreLockedError(this.#location, { cause: error }) : error
    })
  }

  async close(): Promise<void> {
    this.#closed = true
    await this.db.close()
  }

  /** Writes `ops` in one atomic batch (fsynced with syncWrites). */
  write(ops: BatchOp[]): Promise<void> {
    return this.guarded((db) => db.batch(ops, { sync: this.#options.syncWrites }))
  }

  /** Runs a write other than a batch; refused while unhealthy, and a failure makes it so. */
  async guarded<T>(write: (db: Level<string, Uint8Array>) => Promise<T>): Promise<T> {
    if (!this.#healthy) throw new StoreUnavailableError()
    try {
      return await write(this.db)
    } catch (error) {
      this.#fail(error)
      throw error
    }
  }

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
        await this.db.close()
        await this.db.open()
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
