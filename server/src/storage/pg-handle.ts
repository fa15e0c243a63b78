import pg from 'pg'
import { StoreUnavailableError, type StoreEvents } from './doc-store.js'
import type { PgStoreOptions } from './pg-store.js'

export type Row = Record<string, unknown>

/** Requests that may wait for a connection at once; more are refused rather than queued without end. */
const MAX_WAITING = 64
/** How often an unhealthy store asks whether PostgreSQL is back. */
const PROBE_MS = 1_000

/**
 * The connection pool under the PostgreSQL store: runs its statements and transactions, and
 * keeps its health. A statement that finds PostgreSQL unreachable makes it unhealthy (readiness
 * 503, writes refused) until a probe reaches the database again.
 */
export class PgHandle {
  /** Told of every statement and failure (see DocStore.observe). */
  events: StoreEvents = {}
  readonly #pool: pg.Pool
  readonly #options: PgStoreOptions
  #healthy = true
  #closed = false
  #probe: NodeJS.Timeout | undefined

  constructor(url: string, options: PgStoreOptions) {
    this.#options = options
    this.#pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize,
      connectionTimeoutMillis: Math.max(1_000, options.statementTimeoutMs),
      idleTimeoutMillis: 30_000,
      statement_timeout: options.statementTimeoutMs,
      application_name: 'quire',
      options: `-c synchronous_commit=${options.syncWrites ? 'on' : 'off'}`,
    })
    // An idle connection that breaks is dropped by the pool; the next statement finds out.
    this.#pool.on('error', (error) => options.log.warn({ err: error }, 'a PostgreSQL connection broke'))
  }

  get healthy(): boolean {
    return this.#healthy
  }

  get connections(): { total: number; idle: number; waiting: number } {
    return { total: this.#pool.totalCount, idle: this.#pool.idleCount, waiting: this.#pool.waitingCount }
  }

  /** Runs `work` on a connection of its own, as the store opens (the schema's migrations). */
  async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect()
    try {
      return await work(client)
    } finally {
      client.release()
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    clearTimeout(this.#probe)
    await this.#pool.end()
  }

  async query<R extends Row>(text: string, values: unknown[]): Promise<R[]> {
    const started = performance.now()
    this.#assertRoom()
    try {
      const { rows } = await this.#pool.query<R>(text, values)
      this.events.storeQueried?.((performance.now() - started) / 1000)
      return rows
    } catch (error) {
      throw this.#failed(error)
    }
  }

  async transaction(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const started = performance.now()
    const client = await this.connect()
    try {
      await client.query('BEGIN')
      await work(client)
      await client.query('COMMIT')
      this.events.storeQueried?.((performance.now() - started) / 1000)
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw this.#failed(error)
    } finally {
      client.release()
    }
  }

  async connect(): Promise<pg.PoolClient> {
    this.#assertRoom()
    try {
      return await this.#pool.connect()
    } catch (error) {
      throw this.#failed(error)
    }
  }

  assertHealthy(): void {
    if (!this.#healthy) throw new StoreUnavailableError()
  }

  /** A pool whose waiting line is full refuses, rather than queueing requests without end. */
  #assertRoom(): void {
    if (this.#pool.waitingCount >= MAX_WAITING) throw new StoreUnavailableError()
  }

  /**
   * A statement that failed because PostgreSQL could not be reached (or went away) makes the
   * store unhealthy until a probe reaches it again, and fails as StoreUnavailableError; other
   * failures are the statement's own. Returns the error to throw.
   */
  #failed(error: unknown): unknown {
    this.events.storeFailed?.()
    if (!isConnectionError(error)) return error
    if (this.#healthy && !this.#closed) {
      this.#healthy = false
      this.#options.log.error({ err: error }, 'PostgreSQL is unreachable; refusing writes until it is back')
      this.#probeSoon()
    }
    return new StoreUnavailableError({ cause: error })
  }

  #probeSoon(): void {
    this.#probe = setTimeout(() => {
      this.#pool.query('SELECT 1').then(
        () => {
          if (this.#closed) return
          this.#healthy = true
          this.#options.log.info('PostgreSQL is back; taking writes again')
        },
        () => {
          if (!this.#closed) this.#probeSoon()
        },
      )
    }, PROBE_MS)
    this.#probe.unref()
  }
}

/** Errors that mean the database was not there: no connection, a dropped one, a shutdown, a timeout. */
function isConnectionError(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string }
  if (code && (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300')) return true
  if (code && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND'].includes(code)) return true
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message ?? '')
}
