import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { pino } from 'pino'
import type { DocStore } from '../../src/storage/doc-store.js'
import { LevelStore } from '../../src/storage/level-store.js'
import { MemoryStore } from '../../src/storage/memory-store.js'
import { PgStore } from '../../src/storage/pg-store.js'
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js'
import { tempDataDir } from '../helpers/server.js'
import { docStoreContract } from './doc-store-contract.js'

const log = pino({ level: 'silent' })
const dirs = new Map<DocStore, string>()

async function openLevel(dir: string): Promise<LevelStore> {
  const store = new LevelStore(join(dir, 'db'), { syncWrites: false, log })
  await store.open()
  dirs.set(store, dir)
  return store
}

docStoreContract('LevelStore', {
  open: async () => openLevel(await tempDataDir()),
  reopen: async (store) => {
    const dir = dirs.get(store)!
    await store.close()
    return openLevel(dir)
  },
  dispose: async (store) => {
    await store.close()
    await rm(dirs.get(store)!, { recursive: true, force: true })
  },
})

docStoreContract('MemoryStore', {
  open: async () => new MemoryStore(),
  dispose: async () => {},
})

const databases = new Map<DocStore, TestDatabase>()

async function openPg(database: TestDatabase): Promise<PgStore> {
  const store = new PgStore(database.url, { syncWrites: false, poolSize: 4, statementTimeoutMs: 10_000, log })
  await store.open()
  databases.set(store, database)
  return store
}

docStoreContract('PgStore', {
  open: async () => openPg(await createTestDatabase()),
  reopen: async (store) => {
    const database = databases.get(store)!
    await store.close()
    return openPg(database)
  },
  dispose: async (store) => {
    await store.close()
    await databases.get(store)!.drop()
  },
})
