/**
 * Fan-out: one document, 10 / 50 / 200 clients, a few typists at a steady rate. Latency is
 * from a typist's send to each other client holding the character, over every character.
 * `fanout` has 4 typists at 20 keystrokes/s; `steady-fanout` 5 at 10/s, a person's pace, for
 * 10 s, as an outside harness measured it.
 */
import { wallClockMs } from '../clients/clock.js'
import { SharedCounters } from '../clients/counters.js'
import { percentiles, type Percentiles } from '../report/stats.js'
import { CpuWindow } from '../servers/proc.js'
import type { ServerKind } from '../servers/server-kind.js'
import type { FanoutSettings, Settings } from '../settings.js'
import { assertOpened, clientsOf, removeDir, type Scenario, type ScenarioContext } from './context.js'

export interface FanoutPoint extends Percentiles {
  clients: number
  /** Updates the typists sent in all. */
  sent: number
  /** Whether every client caught up with every typist once they stopped. */
  delivered: boolean
  serverCpuPercent: number
  /** CPU of the load clients, and of other processes of the machine, in % of one core. */
  clientCpuPercent: number
  otherCpuPercent: number
}

export type FanoutResult = FanoutPoint[]

async function measure(kind: ServerKind, context: ScenarioContext, settings: FanoutSettings, clients: number): Promise<FanoutPoint> {
  const { typists, ratePerSecond, warmupMs, measureMs } = settings
  const dataDir = await context.dataDir()
  const server = await context.start(kind, dataDir)
  try {
    const doc = await server.createDoc()
    const updatesEach = Math.ceil((ratePerSecond * (warmupMs + measureMs)) / 1000) + 1
    const counters = new SharedCounters({ typists, timedClocks: updatesEach })
    assertOpened(`${kind.id} fan-out`, await context.pool.open(counters, clientsOf(server, doc, clients), { concurrency: 16 }))
    const start = wallClockMs()
    const cpu = new CpuWindow(server.pids)
    const report = await context.pool.run({
      typists: Array.from({ length: typists }, (_, slot) => ({ client: slot, docName: doc.name, slot, updates: updatesEach, ratePerSecond })),
      cursors: [],
      deadline: start + warmupMs + measureMs,
      drainMs: 10_000,
      latencyFrom: start + warmupMs,
      acks: [],
    })
    const { serverSeconds, wallSeconds, clientCpuPercent, otherCpuPercent } = cpu.read()
    return {
      clients,
      ...percentiles(report.latencies),
      sent: report.sent.reduce((sum, [, n]) => sum + n, 0),
      delivered: report.drained && report.gaps === 0,
      serverCpuPercent: (100 * serverSeconds) / wallSeconds,
      clientCpuPercent,
      otherCpuPercent,
    }
  } finally {
    await context.pool.closeClients()
    await server.stop()
    await removeDir(dataDir)
  }
}

function fanoutScenario(id: string, title: string, pick: (all: Settings) => FanoutSettings): Scenario<FanoutResult> {
  return {
    id,
    title,
    withRelay: true,
    async run(kind, context) {
      const settings = pick(context.settings)
      const points: FanoutPoint[] = []
      for (const clients of settings.clients) {
        const point = await measure(kind, context, settings, clients)
        context.log(`  ${clients} clients: p50 ${point.p50.toFixed(1)} ms, p99 ${point.p99.toFixed(1)} ms, max ${point.max.toFixed(1)} ms`)
        points.push(point)
      }
      return points
    },
  }
}

export const fanout = fanoutScenario('fanout', 'fan-out latency', (all) => all.fanout)
export const steadyFanout = fanoutScenario('steady-fanout', 'fan-out latency, typing at a steady pace', (all) => all.steadyFanout)
