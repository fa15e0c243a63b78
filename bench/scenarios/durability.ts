/**
 * Durability: a writer types 1 000 updates, a second client watches, and the moment the
 * watcher holds the last one the server is killed with SIGKILL (by the watcher's own thread,
 * without a round trip). After a restart, a fresh client counts what survived. Once at a
 * steady 200 updates/s, once flat out (every update sent at once).
 */
import { wallClockMs } from '../clients/clock.js'
import { SharedCounters, TYPIST_CLIENT_BASE } from '../clients/counters.js'
import type { ServerKind } from '../servers/server-kind.js'
import { assertOpened, clientsOf, removeDir, type Scenario, type ScenarioContext } from './context.js'

export interface DurabilityRun {
  sent: number
  /** Updates the watcher held when the server died. */
  seenBeforeKill: number
  /** Updates a client found after the restart. */
  survived: number
  lost: number
}

export interface DurabilityResult {
  paced: DurabilityRun
  flatOut: DurabilityRun
}

async function killAfterLastEcho(kind: ServerKind, context: ScenarioContext, ratePerSecond: number | undefined): Promise<DurabilityRun> {
  const { updates } = context.settings.durability
  const counters = new SharedCounters({ typists: 1, timedClocks: 0 })
  const dataDir = await context.dataDir()
  try {
    const server = await context.start(kind, dataDir)
    const doc = await server.createDoc()
    let seenBeforeKill: number
    try {
      assertOpened(`${kind.id} durability`, await context.pool.open(counters, clientsOf(server, doc, 2)))
      const report = await context.pool.run({
        typists: [{ client: 0, docName: doc.name, slot: 0, updates, ratePerSecond, window: updates }],
        cursors: [],
        deadline: wallClockMs() + 60_000,
        drainMs: 10_000,
        acks: [],
        kill: { pid: server.pid, slot: 0, clock: updates, client: 1 },
      })
      seenBeforeKill = report.lowestHeld.find(([slot]) => slot === 0)?.[1] ?? 0
    } finally {
      await context.pool.closeClients()
      // The watcher killed it; should it never have seen the last update, kill it now.
      await server.kill()
    }
    const restarted = await context.start(kind, dataDir, server.port)
    try {
      const [restored] = await context.pool.open(counters, clientsOf(restarted, doc, 1, 2), {
        expect: [[TYPIST_CLIENT_BASE, updates]],
        timeoutMs: context.settings.durability.restoreTimeoutMs,
      })
      const survived = Math.min(updates, restored?.held[0] ?? 0)
      return { sent: counters.sent(0), seenBeforeKill, survived, lost: updates - survived }
    } finally {
      await context.pool.closeClients()
      await restarted.stop()
    }
  } finally {
    await removeDir(dataDir)
  }
}

export const durability: Scenario<DurabilityResult> = {
  id: 'durability',
  title: 'durability',
  withRelay: false,
  async run(kind, context) {
    const paced = await killAfterLastEcho(kind, context, context.settings.durability.ratePerSecond)
    context.log(`  200 updates/s: ${paced.lost} of ${paced.sent} lost`)
    const flatOut = await killAfterLastEcho(kind, context, undefined)
    context.log(`  flat out: ${flatOut.lost} of ${flatOut.sent} lost`)
    return { paced, flatOut }
  },
}
