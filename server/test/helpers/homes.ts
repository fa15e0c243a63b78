import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import type { Config } from '../../src/config.js'
import type { DocStore } from '../../src/storage/doc-store.js'
import { LevelStore } from '../../src/storage/level-store.js'
import { PgStore } from '../../src/storage/pg-store.js'
import { createTestDatabase, type TestDatabase } from './postgres.js'

export type StoreKind = 'leveldb' | 'postgres'

/** A new temporary data directory. */
export async function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'quire-test-'))
}
/** The stores the storage tests run on, each in turn. */
export const STORE_KINDS: readonly StoreKind[] = ['leveldb', 'postgres']

/**
 * Where one test's server keeps its data: a data directory, and for PostgreSQL a database of
 * its own. Servers stopped and started on the same home find their data again.
 */
export interface TestHome {
  kind: StoreKind
  dataDir: string
  /** The settings an in-process server takes. */
  config: Partial<Config>
  /** The environment a child server takes. */
  env: Record<string, string>
  /** A store on the same data, opened (for LevelDB, only while no server has it). */
  openStore(): Promise<DocStore>
  /** Removes the directory and drops the database. */
  remove(): Promise<void>
}

/** A new, empty home for a server of `kind`. */
export async function testHome(kind: StoreKind = 'leveldb'): Promise<TestHome> {
  const dataDir = await tempDataDir()
  const database: TestDatabase | undefined = kind === 'postgres' ? await createTestDatabase() : undefined
  const log = pino({ level: 'silent' })
  const config: Partial<Config> = database ? { dataDir, store: 'postgres', databaseUrl: database.url } : { dataDir, store: 'leveldb' }
  return {
    kind,
    dataDir,
    config,
    env: database ? { DATA_DIR: dataDir, STORE: 'postgres', DATABASE_URL: database.url } : { DATA_DIR: dataDir },
    async openStore() {
      const store = database
        ? new PgStore(database.url, { syncWrites: false, poolSize: 4, statementTimeoutMs: 10_000, log })
        : new LevelStore(join(dataDir, 'db'), { syncWrites: false, log })
      await store.open()
      return store
    },
    async remove() {
      await rm(dataDir, { recursive: true, force: true })
      await database?.drop()
    },
  }
}
