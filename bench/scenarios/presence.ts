/**
 * Presence: 200 watchers on one document, each showing its presence (name, colour, caret).
 * Some of them move their caret at a steady rate; then the same clients type at the same
 * rate instead. The server's CPU per update per watcher, for a presence update and for a
 * document update: an editor sends far more of the former.
 */
import { sleep, wallClockMs } from '../clients/clock.js'
import { SharedCounters } from '../clients/counters.js'
import type { Plan } from '../clients/commands.js'
import { CpuWindow } from '../servers/proc.js'
import { assertOpened, clientsOf, removeDir, type Scenario } from './context.js'

export interface PresenceResult {
  watchers: number
  movers: number
  /** Server CPU per presence update per watcher (µs). */
  awarenessMicrosPerWatcher: number
  /** Server CPU per document update per watcher (µs). */
  updateMicrosPerWatcher: number
  /** awareness ÷ update: 1 or less is the target. */
  ratio: number
  /** Presence messages the watchers received per presence update sent (coalescing shows here). */
  awarenessMessagesPerUpdate: number
  otherCpuPercent: number
}

export const presence: Scenario<PresenceResult> = {
  id: 'presence',
  title: 'presence',
  withRelay: true,
  async run(kind, context) {
    const { watchers, movers, ratePerSecond, measureMs } = context.settings.presence
    const dataDir = await context.dataDir()
    const server = await context.start(kind, dataDir)
    try {
      const doc = await server.createDoc()
      const counters = new SharedCounters({ typists: movers, timedClocks: 0 })
      const specs = clientsOf(server, doc, watchers)
      assertOpened(`${kind.id} presence`, await context.pool.open(counters, specs, { announce: true, concurrency: 16, timeoutMs: 60_000 }))
      await sleep(context.settings.settleMs)
      const count = Math.ceil((ratePerSecond * measureMs) / 1000)
      const measure = async (plan: Omit<Plan, 'deadline' | 'drainMs' | 'acks'>) => {
        const cpu = new CpuWindow(server.pids)
        const report = await context.pool.run({ ...plan, deadline: wallClockMs() + measureMs + 1_000, drainMs: 5_000, acks: [] })
        return { report, ...cpu.read() }
      }
      const moved = await measure({
        typists: [],
        cursors: Array.from({ length: movers }, (_, client) => ({ client, ratePerSecond, updates: count })),
      })
      await sleep(context.settings.settleMs)
      const typed = await measure({
        typists: Array.from({ length: movers }, (_, slot) => ({ client: slot, docName: doc.name, slot, updates: count, ratePerSecond })),
        cursors: [],
      })
      const typedUpdates = typed.report.sent.reduce((sum, [, n]) => sum + n, 0)
      const awarenessMicrosPerWatcher = (moved.serverSeconds * 1e6) / (moved.report.moves * watchers)
      const updateMicrosPerWatcher = (typed.serverSeconds * 1e6) / (typedUpdates * watchers)
      return {
        watchers,
        movers,
        awarenessMicrosPerWatcher,
        updateMicrosPerWatcher,
        ratio: awarenessMicrosPerWatcher / updateMicrosPerWatcher,
        awarenessMessagesPerUpdate: moved.report.awarenessReceived / moved.report.moves,
        otherCpuPercent: Math.max(moved.otherCpuPercent, typed.otherCpuPercent),
      }
    } finally {
      await context.pool.closeClients()
      await server.stop()
      await removeDir(dataDir)
    }
  },
}
