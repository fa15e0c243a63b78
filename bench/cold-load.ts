/**
 * Cold load of a document typed as 100 000 single-character updates: how long the server
 * takes to build its room (read + apply), and how long a fresh client waits from connect to
 * synced on a freshly started server, for three ways the updates can lie on disk.
 *
 *   npm run bench:load [-- --updates 100000 --runs 5]
 */
import { cp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { pino } from 'pino'
import * as Y from 'yjs'
import { buildApp } from '../server/src/app.js'
import { configWith } from '../server/src/config.js'
import { LevelStore } from '../server/src/storage/level-store.js'
import { Room } from '../server/src/sync/room.js'
import { RawSocket } from '../server/test/helpers/clients.js'
import { TEST_SECRET, tempDataDir } from '../server/test/helpers/server.js'

const { values } = parseArgs({
  options: { updates: { type: 'string', default: '100000' }, runs: { type: 'string', default: '5' } },
})
const UPDATES = Number(values.updates)
const RUNS = Number(values.runs)
const DOC_ID = 'cold-load'
const log = pino({ level: 'silent' })
const NEVER = 2 ** 31
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** Typing into a paragraph: mostly at the end, every 50th keystroke somewhere before. */
function typedUpdates(count: number): Uint8Array[] {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  const paragraph = new Y.XmlText()
  doc.getXmlFragment('default').insert(0, [paragraph])
  for (let i = 0; i < count - 1; i++) {
    const at = i % 50 === 0 ? Math.floor(Math.random() * paragraph.length) : paragraph.length
    paragraph.insert(at, 'abcdefghij'[i % 10]!)
  }
  return updates
}

/** A data directory holding the state of the first `inBase` updates as base, the rest as log. */
async function dataset(updates: Uint8Array[], inBase: number): Promise<string> {
  const dataDir = await tempDataDir()
  const store = new LevelStore(join(dataDir, 'db'), { syncWrites: false, log })
  await store.open()
  const base = new Y.Doc()
  Y.transact(base, () => updates.slice(0, inBase).forEach((update) => Y.applyUpdate(base, update)))
  const now = new Date().toISOString()
  await store.createDoc({ id: DOC_ID, title: 'Cold', createdAt: now, updatedAt: now, epoch: 0 }, Y.encodeStateAsUpdate(base))
  const logged = updates.slice(inBase)
  for (let i = 0; i < logged.length; i += 10_000) {
    await store.appendUpdates(logged.slice(i, i + 10_000).map((update) => ({ docId: DOC_ID, updates: [update] })))
  }
  await store.close()
  return dataDir
}

/** The room alone: read the store and build the Y.Doc. */
async function roomLoadMs(dataDir: string): Promise<number> {
  const store = new LevelStore(join(dataDir, 'db'), { syncWrites: false, log })
  await store.open()
  const started = performance.now()
  const room = new Room(DOC_ID, await store.loadDoc(DOC_ID), {
    store,
    writer: { schedule() {} },
    log,
    events: {},
    limits: {
      maxDocumentBytes: NEVER,
      maxNestingDepth: NEVER,
      maxClientIdsPerPeer: NEVER,
      compactAfterUpdates: NEVER,
      compactAfterBytes: NEVER,
      presence: { maxStateBytes: 1, maxDepth: 1, maxClientsPerPeer: 1 },
    },
  })
  // A compacted room builds its Y.Doc on first use: count that too.
  room.doc.getXmlFragment('default')
  const elapsed = performance.now() - started
  room.destroy()
  await store.close()
  return elapsed
}

/** End to end: a server started cold, a client from connect until it holds the document. */
async function connectToSyncedMs(dataDir: string): Promise<number> {
  const store = new LevelStore(join(dataDir, 'db'), { syncWrites: false, log })
  await store.open()
  const config = configWith({ logLevel: 'silent', dataDir, compactAfterUpdates: NEVER, compactAfterBytes: 2 ** 30 })
  const app = await buildApp({ config, store, linkSecret: TEST_SECRET, logger: log })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const key = app.quire.keys.mint(DOC_ID, 'view', 0)
  const started = performance.now()
  const socket = await RawSocket.open(`ws://127.0.0.1:${port}/collab/${DOC_ID}?key=${key}`)
  Y.applyUpdate(new Y.Doc(), await socket.sync())
  const elapsed = performance.now() - started
  socket.close()
  await app.close()
  await store.close()
  return elapsed
}

/** Each run on a fresh copy: a server compacts the document when it shuts down. */
async function onCopy<T>(golden: string, measure: (dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = await tempDataDir()
  await cp(golden, dataDir, { recursive: true })
  try {
    return await measure(dataDir)
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
}

const threshold = configWith().compactAfterUpdates
const updates = typedUpdates(UPDATES)
const bytes = updates.reduce((sum, update) => sum + update.length, 0)
console.log(`${UPDATES} single-character updates (${bytes} bytes in all); medians of ${RUNS} runs\n`)
console.log('| stored as | room load | connect → synced |')
console.log('| --- | ---: | ---: |')
const cases: [string, number][] = [
  [`a log of ${UPDATES} updates, never compacted`, 0],
  [`base + a log of ${threshold - 1} (the longest log compaction leaves)`, UPDATES - (threshold - 1)],
  ['base only (compacted)', UPDATES],
]
for (const [label, inBase] of cases) {
  const golden = await dataset(updates, inBase)
  try {
    const room: number[] = []
    const synced: number[] = []
    for (let i = 0; i < RUNS; i++) {
      room.push(await onCopy(golden, roomLoadMs))
      synced.push(await onCopy(golden, connectToSyncedMs))
    }
    console.log(`| ${label} | ${median(room).toFixed(0)} ms | ${median(synced).toFixed(0)} ms |`)
  } finally {
    await rm(golden, { recursive: true, force: true })
  }
}
