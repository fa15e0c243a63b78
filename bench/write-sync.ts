/**
 * What a write batch costs (a tick's updates, each from a document of its own), on each store
 * and with SYNC_WRITES off and on: LevelDB on the disk that holds DATA_DIR (or the system's
 * temporary directory), PostgreSQL on a database of its own on the machine's server (or
 * QUIRE_BENCH_DATABASE_URL), dropped afterwards.
 *
 *   npm run bench:sync [-- --batches 2000 --updates 4 --stores leveldb,postgres]
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { pino } from 'pino'
import type { DocStore } from '../server/src/storage/doc-store.js'
import { LevelStore } from '../server/src/storage/level-store.js'
import { PgStore } from '../server/src/storage/pg-store.js'

const { values } = parseArgs({
  options: {
    batches: { type: 'string', default: '2000' },
    updates: { type: 'string', default: '4' },
    stores: { type: 'string', default: 'leveldb,postgres' },
  },
})
const BATCHES = Number(values.batches)
const PER_BATCH = Number(values.updates)
const ADMIN_DATABASE_URL = process.env.QUIRE_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const log = pino({ level: 'silent' })
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]!

async function asAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL })
  await client.connect()
  await client.query(sql).finally(() => client.end())
}

/** A new store of `kind` with SYNC_WRITES as given, and how to get rid of it afterwards. */
async function freshStore(kind: string, syncWrites: boolean): Promise<{ store: DocStore; remove(): Promise<void> }> {
  if (kind === 'postgres') {
    const name = `quire_bench_${randomBytes(6).toString('hex')}`
    await asAdmin(`CREATE DATABASE ${name}`)
    const url = new URL(ADMIN_DATABASE_URL)
    url.pathname = `/${name}`
    const store = new PgStore(url.toString(), { syncWrites, poolSize: 4, statementTimeoutMs: 10_000, log })
    return { store, remove: () => asAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) }
  }
  const dir = await mkdtemp(join(process.env.DATA_DIR ?? tmpdir(), 'quire-sync-'))
  return { store: new LevelStore(join(dir, 'db'), { syncWrites, log }), remove: () => rm(dir, { recursive: true, force: true }) }
}

console.log(`${BATCHES} batches of ${PER_BATCH} updates of 30 bytes\n`)
console.log('| store | SYNC_WRITES | median per batch | p99 per batch | batches/s |')
console.log('| --- | --- | ---: | ---: | ---: |')
for (const kind of values.stores.split(',')) {
  for (const syncWrites of [false, true]) {
    const { store, remove } = await freshStore(kind, syncWrites)
    await store.open()
    const update = new Uint8Array(30).fill(7)
    const now = new Date().toISOString()
    for (let i = 0; i < PER_BATCH; i++) await store.createDoc({ id: `doc${i}`, title: '', createdAt: now, updatedAt: now, epoch: 0 }, new Uint8Array([0, 0]))
    const entries = Array.from({ length: PER_BATCH }, (_, i) => ({ docId: `doc${i}`, updates: [update] }))
    const times: number[] = []
    const started = performance.now()
    for (let batch = 0; batch < BATCHES; batch++) {
      const t = performance.now()
      await store.appendUpdates(entries)
      times.push(performance.now() - t)
    }
    const perSecond = BATCHES / ((performance.now() - started) / 1000)
    await store.close()
    await remove()
    console.log(
      `| ${kind} | ${syncWrites} | ${(percentile(times, 0.5) * 1000).toFixed(0)} µs | ${(percentile(times, 0.99) * 1000).toFixed(0)} µs | ${perSecond.toFixed(0)} |`,
    )
  }
}
