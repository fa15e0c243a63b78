/**
 * Cold load: a document typed as 100 000 single-character updates over the socket, the
 * server stopped, restarted, and a fresh client timed from connect until it holds the whole
 * document; then the same after the server had a chance to compact what it stored.
 *
 * "As stored": the server is stopped the hard way (SIGKILL) once its store has gone idle, so
 * nothing tidies up on the way out. A server that keeps writes in memory for a while
 * (Hocuspocus) gets SIGTERM instead, or the document would be gone. "Compacted": the stored
 * document is loaded once (y-leveldb trims its log on load), the server goes idle and is
 * stopped with SIGTERM (Quire compacts on shutdown), and the next start is timed.
 */
import { wallClockMs } from '../clients/clock.js'
import { SharedCounters, TYPIST_CLIENT_BASE } from '../clients/counters.js'
import type { Expectation } from '../clients/load-client.js'
import { median } from '../report/stats.js'
import { waitUntilIdle } from '../servers/proc.js'
import type { DocRef, RunningServer, ServerKind } from '../servers/server-kind.js'
import { assertOpened, bytesOnDisk, clientsOf, copyDataDir, removeDir, type Scenario, type ScenarioContext } from './context.js'

export interface LoadTimes {
  /** Connect → the first sync answer, which may be empty (ms, median of runs). */
  firstAnswerMs: number
  /** Connect → holding every update (ms, median of runs). */
  fullDocumentMs: number
  bytesOnDisk: number
}

export interface ColdLoadResult {
  updates: number
  /** How long typing the document took, updates per second. */
  typedPerSecond: number
  asStored: LoadTimes
  compacted: LoadTimes
}

const LOAD_TIMEOUT_MS = 120_000

/** Stops a server so that what it acknowledged stays stored, without letting it tidy up. */
async function stopHard(server: RunningServer): Promise<void> {
  if (server.kind.storesLater) {
    await server.stop()
    return
  }
  await waitUntilIdle(server.pid)
  await server.kill()
}

async function stopPolitely(server: RunningServer): Promise<void> {
  await waitUntilIdle(server.pid)
  await server.stop()
}

/** Starts the server on a copy of `dataDir` and times one fresh client. */
async function timeLoad(context: ScenarioContext, kind: ServerKind, golden: string, doc: DocRef, expect: Expectation, counters: SharedCounters) {
  const dataDir = await copyDataDir(context, golden)
  const server = await context.start(kind, dataDir)
  try {
    const [opened] = await context.pool.open(counters, clientsOf(server, doc, 1, 10), { expect, timeoutMs: LOAD_TIMEOUT_MS })
    assertOpened(`${kind.id} cold load`, [opened!])
    return { firstAnswerMs: opened!.step2Ms, fullDocumentMs: opened!.syncedMs }
  } finally {
    await context.pool.closeClients()
    // Politely, so that a profiled server writes its profile; the copy is thrown away.
    await server.stop()
    await removeDir(dataDir)
  }
}

async function timeLoads(
  context: ScenarioContext,
  kind: ServerKind,
  golden: string,
  doc: DocRef,
  expect: Expectation,
  counters: SharedCounters,
): Promise<LoadTimes> {
  const runs = []
  for (let i = 0; i < context.settings.coldLoad.runs; i++) runs.push(await timeLoad(context, kind, golden, doc, expect, counters))
  return {
    firstAnswerMs: median(runs.map((run) => run.firstAnswerMs)),
    fullDocumentMs: median(runs.map((run) => run.fullDocumentMs)),
    bytesOnDisk: await bytesOnDisk(golden),
  }
}

export const coldLoad: Scenario<ColdLoadResult> = {
  id: 'cold-load',
  title: 'cold load',
  withRelay: false,
  async run(kind, context) {
    const { updates, window } = context.settings.coldLoad
    const counters = new SharedCounters({ typists: 1, timedClocks: 0 })
    const golden = await context.dataDir()
    try {
      // Type the document: one typist, one client that acknowledges.
      const server = await context.start(kind, golden)
      let doc: DocRef
      let typedPerSecond: number
      try {
        doc = await server.createDoc()
        assertOpened(`${kind.id} cold load`, await context.pool.open(counters, clientsOf(server, doc, 2)))
        const started = wallClockMs()
        const report = await context.pool.run({
          typists: [{ client: 0, docName: doc.name, slot: 0, updates, window, pattern: 'typing' }],
          cursors: [],
          deadline: started + 600_000,
          drainMs: 60_000,
          acks: [[0, 1]],
        })
        typedPerSecond = updates / ((wallClockMs() - started) / 1000)
        if (!report.drained || counters.sent(0) !== updates) throw new Error(`typed ${counters.sent(0)} of ${updates} updates`)
      } finally {
        await context.pool.closeClients()
        await stopHard(server)
      }
      const expect: Expectation = [[TYPIST_CLIENT_BASE, updates]]
      const asStored = await timeLoads(context, kind, golden, doc, expect, counters)
      context.log(`  as stored: ${asStored.fullDocumentMs.toFixed(0)} ms (first answer ${asStored.firstAnswerMs.toFixed(0)} ms)`)

      // Let the server load it once and stop politely: whatever compaction it does, it did.
      const compactedDir = await copyDataDir(context, golden)
      try {
        const once = await context.start(kind, compactedDir)
        try {
          assertOpened(`${kind.id} cold load`, await context.pool.open(counters, clientsOf(once, doc, 1, 10), { expect, timeoutMs: LOAD_TIMEOUT_MS }))
        } finally {
          await context.pool.closeClients()
          await stopPolitely(once)
        }
        const compacted = await timeLoads(context, kind, compactedDir, doc, expect, counters)
        context.log(`  compacted: ${compacted.fullDocumentMs.toFixed(0)} ms (first answer ${compacted.firstAnswerMs.toFixed(0)} ms)`)
        return { updates, typedPerSecond, asStored, compacted }
      } finally {
        await removeDir(compactedDir)
      }
    } finally {
      await removeDir(golden)
    }
  },
}
