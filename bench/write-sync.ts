/**
 * What SYNC_WRITES costs: the time of one LevelDB write batch (a tick's updates) with and
 * without an fsync, on the disk that holds DATA_DIR (or the system's temporary directory).
 *
 *   npm run bench:sync [-- --batches 2000 --updates 4]
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { pino } from 'pino'
import { LevelStore } from '../server/src/storage/level-store.js'

const { values } = parseArgs({
  options: { batches: { type: 'string', default: '2000' }, updates: { type: 'string', default: '4' } },
})
const BATCHES = Number(values.batches)
const PER_BATCH = Number(values.updates)
const log = pino({ level: 'silent' })
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]!

console.log(`${BATCHES} batches of ${PER_BATCH} updates of 30 bytes, in ${process.env.DATA_DIR ?? tmpdir()}\n`)
console.log('| SYNC_WRITES | median per batch | p99 per batch | batches/s |')
console.log('| --- | ---: | ---: | ---: |')
for (const syncWrites of [false, true]) {
  const dir = await mkdtemp(join(process.env.DATA_DIR ?? tmpdir(), 'quire-sync-'))
  const store = new LevelStore(join(dir, 'db'), { syncWrites, log })
  await store.open()
  const update = new Uint8Array(30).fill(7)
  const now = new Date().toISOString()
  for (let i = 0; i < PER_BATCH; i++) await store.createDoc({ id: `doc${i}`, title: '', createdAt: now, updatedAt: now, epoch: 0 }, new Uint8Array([0, 0]))
  const times: number[] = []
  const started = performance.now()
  for (let batch = 0; batch < BATCHES; batch++) {
    // Each update of a batch from a document of its own: as many log entries as updates.
    const entries = Array.from({ length: PER_BATCH }, (_, i) => ({ docId: `doc${i}`, updates: [update] }))
    const t = performance.now()
    await store.appendUpdates(entries)
    times.push(performance.now() - t)
  }
  const perSecond = BATCHES / ((performance.now() - started) / 1000)
  await store.close()
  await rm(dir, { recursive: true, force: true })
  console.log(
    `| ${syncWrites} | ${(percentile(times, 0.5) * 1000).toFixed(0)} µs | ${(percentile(times, 0.99) * 1000).toFixed(0)} µs | ${perSecond.toFixed(0)} |`,
  )
}
