/**
 * Join storm: a 4 MB document, the server restarted, then 150 clients open it at once.
 * Time from each client's connect until it holds the whole document; the server's peak RSS
 * and the CPU the storm cost it.
 */
import { wallClockMs } from '../clients/clock.js'
import { SharedCounters, TYPIST_CLIENT_BASE } from '../clients/counters.js'
import { percentiles } from '../report/stats.js'
import { CpuWindow, waitUntilIdle } from '../servers/proc.js'
import { assertOpened, clientsOf, removeDir, type Scenario } from './context.js'

export interface JoinStormResult {
  clients: number
  docBytes: number
  syncedP50Ms: number
  syncedP99Ms: number
  syncedMaxMs: number
  /** The highest RSS of the restarted server (VmHWM), and its RSS before the storm. */
  peakRssMiB: number
  rssBeforeMiB: number
  serverCpuMs: number
}

export const joinStorm: Scenario<JoinStormResult> = {
  id: 'join-storm',
  title: 'join storm',
  withRelay: false,
  async run(kind, context) {
    const { clients, docBytes, chunkBytes } = context.settings.joinStorm
    const updates = Math.ceil(docBytes / chunkBytes)
    const counters = new SharedCounters({ typists: 1, timedClocks: 0 })
    const dataDir = await context.dataDir()
    try {
      const writer = await context.start(kind, dataDir)
      const doc = await writer.createDoc()
      try {
        assertOpened(`${kind.id} join storm`, await context.pool.open(counters, clientsOf(writer, doc, 2)))
        const report = await context.pool.run({
          typists: [{ client: 0, docName: doc.name, slot: 0, updates, chars: chunkBytes, window: 4 }],
          cursors: [],
          deadline: wallClockMs() + 120_000,
          drainMs: 30_000,
          acks: [[0, 1]],
        })
        if (!report.drained) throw new Error('the document was not written in time')
      } finally {
        await context.pool.closeClients()
        await waitUntilIdle(writer.pid)
        await writer.stop()
      }

      const server = await context.start(kind, dataDir, writer.port)
      try {
        const rssBefore = server.sample().rssBytes
        const cpu = new CpuWindow(server.pids)
        const opened = await context.pool.open(counters, clientsOf(server, doc, clients), {
          expect: [[TYPIST_CLIENT_BASE, counters.sent(0)]],
          concurrency: clients,
          timeoutMs: 120_000,
        })
        const { serverSeconds } = cpu.read()
        assertOpened(`${kind.id} join storm`, opened)
        const synced = percentiles(opened.map((o) => o.syncedMs))
        return {
          clients,
          docBytes: counters.sent(0),
          syncedP50Ms: synced.p50,
          syncedP99Ms: synced.p99,
          syncedMaxMs: synced.max,
          peakRssMiB: server.sample().peakRssBytes / 2 ** 20,
          rssBeforeMiB: rssBefore / 2 ** 20,
          serverCpuMs: serverSeconds * 1000,
        }
      } finally {
        await context.pool.closeClients()
        await server.stop()
      }
    } finally {
      await removeDir(dataDir)
    }
  },
}
