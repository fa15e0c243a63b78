/**
 * Throughput: one document, typists going as fast as the server takes them. Each typist keeps
 * a window of updates that a reader has not seen yet (backpressure), so the rate settles where
 * the server (or the load generator) saturates. Afterwards every client must hold every
 * typist's updates, and so must a fresh client of a stateful server.
 *
 * Two shapes: `throughput`, where every client types at the end of its text and its neighbour
 * acknowledges; and `editing`, where 5 of 20 clients type, each keystroke at a random place of
 * its text, at most 64 ahead of the last client (a reader, so every client has seen about as
 * much): inserts in the middle make Yjs split items and send origins on both sides.
 */
import { sleep, wallClockMs } from '../clients/clock.js'
import { SharedCounters, TYPIST_CLIENT_BASE } from '../clients/counters.js'
import type { Expectation } from '../clients/load-client.js'
import { CpuWindow } from '../servers/proc.js'
import type { Settings, ThroughputSettings } from '../settings.js'
import type { TypistPlan } from '../clients/activity.js'
import { assertOpened, clientsOf, removeDir, type Scenario } from './context.js'

export interface ThroughputResult {
  clients: number
  updatesPerSecond: number
  serverCpuMicrosPerUpdate: number
  serverCpuPercent: number
  /** CPU the load clients used meanwhile, in % of one core (the machine has two). */
  clientCpuPercent: number
  otherCpuPercent: number
  /** Every client received every update of every other typist. */
  everyClientHoldsAll: boolean
  /** A fresh client got everything from the server (null for the relay, which keeps nothing). */
  serverHoldsAll: boolean | null
}

/** The largest number of updates a typist may send in one run. */
const MAX_UPDATES_PER_TYPIST = 500_000

interface Shape {
  id: string
  title: string
  settings(all: Settings): ThroughputSettings
  pattern: TypistPlan['pattern']
}

function throughputScenario(shape: Shape): Scenario<ThroughputResult> {
  return {
    id: shape.id,
    title: shape.title,
    withRelay: true,
    async run(kind, context) {
      const { clients, window, warmupMs, measureMs, typists = clients } = shape.settings(context.settings)
      // Every client types and its neighbour acknowledges; with readers, the last client does.
      const acker = (slot: number) => (typists === clients ? (slot + 1) % clients : clients - 1)
      const dataDir = await context.dataDir()
      const server = await context.start(kind, dataDir)
      try {
        const doc = await server.createDoc()
        const counters = new SharedCounters({ typists, timedClocks: 0 })
        assertOpened(`${kind.id} throughput`, await context.pool.open(counters, clientsOf(server, doc, clients)))
        const start = wallClockMs()
        const running = context.pool.run({
          typists: Array.from({ length: typists }, (_, slot) => ({
            client: slot,
            docName: doc.name,
            slot,
            updates: MAX_UPDATES_PER_TYPIST,
            window,
            pattern: shape.pattern,
          })),
          cursors: [],
          deadline: start + warmupMs + measureMs,
          drainMs: 15_000,
          acks: Array.from({ length: typists }, (_, slot) => [slot, acker(slot)]),
        })
        const acked = () => Array.from({ length: typists }, (_, slot) => counters.acked(slot)).reduce((a, b) => a + b, 0)
        await sleep(warmupMs)
        const cpu = new CpuWindow(server.pids)
        const acked0 = acked()
        await sleep(start + warmupMs + measureMs - wallClockMs())
        const { serverSeconds, wallSeconds, clientCpuPercent, otherCpuPercent } = cpu.read()
        const updates = acked() - acked0
        const report = await running
        const everyClientHoldsAll = report.drained && report.lowestHeld.every(([slot, clock]) => clock >= counters.sent(slot)) && report.gaps === 0

        let serverHoldsAll: boolean | null = null
        if (kind.stateful) {
          const expect: Expectation = Array.from({ length: typists }, (_, slot) => [TYPIST_CLIENT_BASE + slot, counters.sent(slot)])
          const [fresh] = await context.pool.open(counters, clientsOf(server, doc, 1, clients), { expect, timeoutMs: 15_000 })
          serverHoldsAll = fresh?.error === undefined
        }
        return {
          clients,
          updatesPerSecond: updates / wallSeconds,
          serverCpuMicrosPerUpdate: (serverSeconds * 1e6) / updates,
          serverCpuPercent: (100 * serverSeconds) / wallSeconds,
          clientCpuPercent,
          otherCpuPercent,
          everyClientHoldsAll,
          serverHoldsAll,
        }
      } finally {
        await context.pool.closeClients()
        await server.stop()
        await removeDir(dataDir)
      }
    },
  }
}

export const throughput = throughputScenario({ id: 'throughput', title: 'throughput', settings: (all) => all.throughput, pattern: 'append' })
export const editing = throughputScenario({ id: 'editing', title: 'throughput, typing anywhere', settings: (all) => all.editing, pattern: 'anywhere' })
