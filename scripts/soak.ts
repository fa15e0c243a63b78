/**
 * `npm run soak -- --minutes N`: a mixed workload against the built server as a child
 * process, for as long as asked. Stock y-websocket clients type into many documents, join and
 * leave; the server is restarted every few minutes, alternately with SIGTERM and SIGKILL.
 * Every minute it prints what the server's /metrics say (RSS, heap, event-loop lag, rooms,
 * sockets). At the end: every client and a fresh reader must hold the same state, and the
 * store must hold every edit a client was shown. Exits 1 when either fails.
 *
 * An edit counts as acknowledged once a view-only "witness" client of its document has it:
 * the server relays nothing it has not written, so the witness is a lower bound of the disk.
 * After every stop, before clients can send anything again, the LevelDB files are opened
 * directly and checked against the witnesses.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import * as Y from 'yjs'
import { openClient, serverState, type TestClient } from '../server/test/helpers/clients.js'
import { sampleSum } from '../server/test/helpers/load.js'
import { createDoc, freePort, type TestDoc } from '../server/test/helpers/server.js'
import { holdsAll, readStore, sameState } from './soak/check.js'
import { SoakServer } from './soak/server.js'

const { values: options } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    docs: { type: 'string', default: '30' },
    typists: { type: 'string', default: '60' },
    'restart-every': { type: 'string', default: '3' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
  },
})
const minutes = Number(options.minutes)
const typistCount = Number(options.typists)
const restartEveryMs = Number(options['restart-every']) * 60_000
const seed = Number(options.seed)

/** A seeded generator, so that a failing run can be repeated (mulberry32). */
let state = seed
function random(): number {
  state = (state + 0x6d2b79f5) | 0
  let t = Math.imul(state ^ (state >>> 15), 1 | state)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!

interface SoakDoc {
  doc: TestDoc
  /** A view-only client that never leaves: what it was shown, the store must hold. */
  witness: TestClient
}
interface Typist {
  docIndex: number
  client: TestClient
}

// Each stock provider listens for the process' exit; dozens of them are expected here.
process.setMaxListeners(0)
const dataDir = await mkdtemp(join(tmpdir(), 'quire-soak-'))
const server = new SoakServer(await freePort(), {
  DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
  UNLOAD_GRACE_MS: '2000',
  COMPACT_AFTER_UPDATES: '200',
  CREATE_RATE_PER_MINUTE: '100000',
  MAX_SOCKETS_PER_ADDRESS: '100000',
})
const docs: SoakDoc[] = []
const typists: Typist[] = []
const failures: string[] = []
let serverUp = false
let restarts = 0

function addTypist(): void {
  const docIndex = Math.floor(random() * docs.length)
  const { doc } = docs[docIndex]!
  typists.push({ docIndex, client: openClient(server.collabUrl, doc.id, doc.keys.edit) })
}

async function addDoc(): Promise<void> {
  const doc = await createDoc(server.url, { title: `soak ${docs.length}` })
  docs.push({ doc, witness: openClient(server.collabUrl, doc.id, doc.keys.view) })
}

/** A burst of typing: a few characters here, a short deletion there; offline too. */
function type(typist: Typist): void {
  const text = typist.client.doc.getText('t')
  if (random() < 0.1 && text.length > 5) {
    const at = Math.floor(random() * (text.length - 5))
    text.delete(at, 1 + Math.floor(random() * 5))
  } else {
    const word = Array.from({ length: 1 + Math.floor(random() * 5) }, () => pick([...'abcdefghijklmnopqrstuvwxyz '])).join('')
    text.insert(Math.floor(random() * (text.length + 1)), word)
  }
}

/** A reader that comes, syncs and goes. */
async function visit(): Promise<void> {
  const { doc } = pick(docs)
  const reader = openClient(server.collabUrl, doc.id, doc.keys.view)
  const deadline = Date.now() + 10_000
  while (!reader.provider.synced && Date.now() < deadline) await sleep(50)
  reader.destroy()
}

/**
 * Stops the server with `signal`, then opens what it left on disk and checks it holds every
 * edit a witness was shown; clients keep typing offline meanwhile.
 */
async function restart(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  serverUp = false
  const exit = await server.stop(signal)
  if (signal === 'SIGTERM' && exit !== 0) failures.push(`restart ${restarts}: SIGTERM ended the server with ${exit}`)
  // The server is gone: nothing more can reach a witness, so this is all that was acknowledged.
  const shown = docs.map(({ witness }) => Y.encodeStateAsUpdate(witness.doc))
  try {
    const onDisk = await readStore(
      dataDir,
      docs.map(({ doc }) => doc.id),
    )
    docs.forEach(({ doc }, i) => {
      const acked = new Y.Doc()
      Y.applyUpdate(acked, shown[i]!)
      if (!holdsAll(onDisk.get(doc.id)!, acked)) failures.push(`restart ${restarts} (${signal}): document ${doc.id} lost acknowledged edits`)
      acked.destroy()
    })
    for (const doc of onDisk.values()) doc.destroy()
  } catch (error) {
    failures.push(`restart ${restarts} (${signal}): the store did not open cleanly: ${String(error)}`)
  }
  restarts++
  await sleep(random() * 3_000)
  await server.start()
  serverUp = true
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
const ms = (seconds: number) => (seconds * 1000).toFixed(1)

interface Figures {
  minute: number
  rssBytes: number
  heapBytes: number
  lagP99Seconds: number
  lagMaxSeconds: number
  rooms: number
  sockets: number
}
const report: Figures[] = []

/** What the documents hold, as their witnesses encode it: the heap grows with it, not beyond. */
const stateBytes = () => docs.reduce((sum, { witness }) => sum + Y.encodeStateAsUpdate(witness.doc).length, 0)

async function printFigures(minute: number): Promise<void> {
  if (!serverUp) return void console.log(`minute ${minute}: the server is restarting`)
  try {
    const text = await server.metrics()
    const figures: Figures = {
      minute,
      rssBytes: sampleSum(text, 'process_resident_memory_bytes'),
      heapBytes: sampleSum(text, 'nodejs_heap_size_used_bytes'),
      lagP99Seconds: sampleSum(text, 'nodejs_eventloop_lag_p99_seconds'),
      lagMaxSeconds: sampleSum(text, 'nodejs_eventloop_lag_max_seconds'),
      rooms: sampleSum(text, 'quire_rooms_open'),
      sockets: sampleSum(text, 'quire_sockets_open'),
    }
    report.push(figures)
    console.log(
      `minute ${minute}: rss ${mb(figures.rssBytes)} MB, heap ${mb(figures.heapBytes)} MB, ` +
        `event-loop lag p99 ${ms(figures.lagP99Seconds)} ms (max ${ms(figures.lagMaxSeconds)} ms), ` +
        `rooms ${figures.rooms}, sockets ${figures.sockets}, documents ${docs.length} (${mb(stateBytes())} MB of Yjs state), ` +
        `typists ${typists.length}, restarts ${restarts}`,
    )
  } catch (error) {
    console.log(`minute ${minute}: metrics unavailable (${String(error)})`)
  }
}

/** Waits until every client of every document and a fresh reader hold the same state. */
async function converge(timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const problems: string[] = []
    for (const [i, { doc, witness }] of docs.entries()) {
      const fresh = await serverState(server.collabUrl, doc.id, doc.keys.view)
      const clients = [witness, ...typists.filter((t) => t.docIndex === i).map((t) => t.client)]
      const behind = clients.filter((client) => !sameState(client.doc, fresh)).length
      if (behind > 0) problems.push(`document ${doc.id}: ${behind} of ${clients.length} clients differ from a fresh reader`)
      fresh.destroy()
    }
    if (problems.length === 0 || Date.now() > deadline) return problems
    await sleep(1_000)
  }
}

console.log(`soak: ${minutes} min, ${options.docs} documents, ${typistCount} typists, a restart every ${options['restart-every']} min, seed ${seed}`)
await server.start()
serverUp = true
for (let i = 0; i < Number(options.docs); i++) await addDoc()
for (let i = 0; i < typistCount; i++) addTypist()

const started = Date.now()
const endAt = started + minutes * 60_000
const timers = [
  setInterval(() => typists.forEach((typist) => random() < 0.3 && type(typist)), 200),
  // Joins and leaves: a typist goes (what it had not sent yet goes with it), another comes.
  setInterval(() => {
    const [gone] = typists.splice(Math.floor(random() * typists.length), 1)
    gone?.client.destroy()
    addTypist()
    if (serverUp) void visit()
  }, 2_000),
  setInterval(() => serverUp && void addDoc().catch((error: unknown) => console.log(`could not create a document: ${String(error)}`)), 60_000),
]
let nextRestart = started + restartEveryMs
let nextReport = started + 60_000
while (Date.now() < endAt) {
  await sleep(250)
  if (Date.now() >= nextReport) {
    await printFigures(Math.round((Date.now() - started) / 60_000))
    nextReport += 60_000
  }
  if (Date.now() >= nextRestart && Date.now() < endAt - 30_000) {
    const signal = restarts % 2 === 0 ? 'SIGTERM' : 'SIGKILL'
    console.log(`restart ${restarts + 1}: ${signal}`)
    await restart(signal)
    nextRestart = Date.now() + restartEveryMs
  }
}
for (const timer of timers) clearInterval(timer)

// The verdict: typing has stopped; everyone must converge, and the disk hold every edit shown.
const divergent = await converge(120_000)
failures.push(...divergent)
serverUp = false
const exit = await server.stop('SIGTERM')
if (exit !== 0) failures.push(`the final SIGTERM ended the server with ${exit}`)
const onDisk = await readStore(
  dataDir,
  docs.map(({ doc }) => doc.id),
).catch((error: unknown) => {
  failures.push(`the store did not open cleanly at the end: ${String(error)}`)
  return new Map<string, Y.Doc>()
})
for (const { doc, witness } of docs) {
  const stored = onDisk.get(doc.id)
  if (stored && !sameState(stored, witness.doc)) failures.push(`document ${doc.id}: the store differs from its clients at the end`)
}
for (const typist of typists) typist.client.destroy()
for (const { witness } of docs) witness.destroy()

const max = (key: keyof Figures) => Math.max(...report.map((f) => f[key]))
if (report.length > 0) {
  const [first, last] = [report[0]!, report.at(-1)!]
  console.log(
    `\nRSS: first ${mb(first.rssBytes)} MB, last ${mb(last.rssBytes)} MB, max ${mb(max('rssBytes'))} MB\n` +
      `heap: first ${mb(first.heapBytes)} MB, last ${mb(last.heapBytes)} MB, max ${mb(max('heapBytes'))} MB\n` +
      `event-loop lag p99: max ${ms(max('lagP99Seconds'))} ms; lag max: ${ms(max('lagMaxSeconds'))} ms`,
  )
}
const edits = docs.reduce((sum, { witness }) => sum + witness.doc.getText('t').length, 0)
console.log(`${docs.length} documents, ${edits} characters in the end, ${restarts} restarts, ${server.errorLines} error log lines`)
if (failures.length > 0) {
  console.log(`\nVERDICT: FAILED\n${failures.join('\n')}\n\nlast server output:\n${server.recentOutput.slice(-30).join('\n')}`)
} else {
  console.log('\nVERDICT: PASSED: every client and a fresh reader hold identical state; every acknowledged edit is stored')
  await rm(dataDir, { recursive: true, force: true })
}
process.exit(failures.length > 0 ? 1 : 0)
