/**
 * Many documents: 1 000 documents, each opened by one client that writes a line and shows its
 * presence, then by a second, mostly idle client. Memory is read after a full garbage
 * collection (see memory-probe.ts) before the documents exist, after the first clients and
 * after the second ones: RSS from the OS, and the live JS heap (with memory outside it that
 * V8 knows of; LevelDB's and SQLite's native caches show in RSS only); connections per second
 * over both rounds, and in each: first joins (nobody has the document open) and joins to an
 * open document.
 */
import { sleep, wallClockMs } from '../clients/clock.js'
import { SharedCounters } from '../clients/counters.js'
import type { ClientSpec } from '../clients/load-client.js'
import type { DocRef } from '../servers/server-kind.js'
import { assertOpened, removeDir, type Scenario } from './context.js'

export interface ManyDocsResult {
  docs: number
  sockets: number
  /** RSS growth per document with its two sockets. */
  kibPerDocument: number
  /** RSS growth per second socket on an open document. */
  kibPerSocket: number
  /** The same for the live JS heap (and external memory). */
  heapKibPerDocument: number
  heapKibPerSocket: number
  connectionsPerSecond: number
  /** The first round alone: each client opens a document nobody has open yet. */
  firstJoinsPerSecond: number
  /** The second round alone: each client joins a document its first client holds open. */
  openJoinsPerSecond: number
  rssMiB: { start: number; oneClientEach: number; twoClientsEach: number }
}

const CONCURRENT_CREATES = 8

export const manyDocs: Scenario<ManyDocsResult> = {
  id: 'many-docs',
  title: 'many documents',
  withRelay: true,
  async run(kind, context) {
    const { docs: count } = context.settings.manyDocs
    const dataDir = await context.dataDir()
    const server = await context.start(kind, dataDir)
    try {
      // Before the documents exist: creating one is part of what a document costs (Quire
      // writes it through its API, the others on first use).
      await sleep(context.settings.settleMs)
      const start = await server.liveMemory()
      const docs: DocRef[] = []
      const lanes = Array.from({ length: CONCURRENT_CREATES }, async () => {
        while (docs.length < count) docs.push(await server.createDoc())
      })
      await Promise.all(lanes)
      docs.length = count
      const specs = (round: number): ClientSpec[] =>
        docs.map((doc, i) => ({ index: round * count + i, url: server.wsUrl(doc), docName: doc.name, framing: kind.framing }))
      const counters = new SharedCounters({ typists: count, timedClocks: 0 })

      let connecting = wallClockMs()
      assertOpened(`${kind.id} many documents`, await context.pool.open(counters, specs(0), { announce: true, timeoutMs: 60_000 }))
      const firstJoinsMs = wallClockMs() - connecting
      // Each first client writes one line, as someone who opened a document would.
      const report = await context.pool.run({
        typists: docs.map((doc, slot) => ({ client: slot, docName: doc.name, slot, updates: 1, chars: 40, ratePerSecond: 1 })),
        cursors: [],
        deadline: wallClockMs() + 10_000,
        drainMs: 0,
        acks: [],
      })
      if (report.closed > 0) throw new Error(`${report.closed} sockets closed while writing`)
      await sleep(context.settings.settleMs)
      const oneClientEach = await server.liveMemory()

      connecting = wallClockMs()
      assertOpened(`${kind.id} many documents`, await context.pool.open(counters, specs(1), { announce: true, timeoutMs: 60_000 }))
      const openJoinsMs = wallClockMs() - connecting
      await sleep(context.settings.settleMs)
      const twoClientsEach = await server.liveMemory()
      const kib = (bytes: number) => bytes / count / 1024
      const MiB = 2 ** 20
      return {
        docs: count,
        sockets: 2 * count,
        kibPerDocument: kib(twoClientsEach.rssBytes - start.rssBytes),
        kibPerSocket: kib(twoClientsEach.rssBytes - oneClientEach.rssBytes),
        heapKibPerDocument: kib(twoClientsEach.heapBytes - start.heapBytes),
        heapKibPerSocket: kib(twoClientsEach.heapBytes - oneClientEach.heapBytes),
        connectionsPerSecond: (2 * count) / ((firstJoinsMs + openJoinsMs) / 1000),
        firstJoinsPerSecond: count / (firstJoinsMs / 1000),
        openJoinsPerSecond: count / (openJoinsMs / 1000),
        rssMiB: { start: start.rssBytes / MiB, oneClientEach: oneClientEach.rssBytes / MiB, twoClientsEach: twoClientsEach.rssBytes / MiB },
      }
    } finally {
      await context.pool.closeClients()
      await server.stop()
      await removeDir(dataDir)
    }
  },
}
