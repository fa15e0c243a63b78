import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { pino } from 'pino'
import type { DocStore } from '../../src/storage/doc-store.js'
import { LevelStore } from '../../src/storage/level-store.js'
import { MemoryStore } from '../../src/storage/memory-store.js'
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
