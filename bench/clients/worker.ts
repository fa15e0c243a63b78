/**
 * A load worker: a thread that plays many clients. It opens them, runs the plans it is
 * given, and reports what its clients saw. Started by LoadPool; never by hand.
 */
import { parentPort } from 'node:worker_threads'
import { moveCursor, sendPresence, type, type TypistPlan } from './activity.js'
import { sleep, wallClockMs } from './clock.js'
import type { Command, OpenCommand, Plan, Reply, RunReport } from './commands.js'
import { SharedCounters, TYPIST_CLIENT_BASE } from './counters.js'
import { LoadClient, type Opened } from './load-client.js'

const port = parentPort
if (!port) throw new Error('worker.ts runs as a worker thread')

const clients = new Map<number, LoadClient>()

async function open(command: OpenCommand): Promise<Opened[]> {
  const counters = new SharedCounters(command.counters.shape, command.counters.buffers)
  const pending = [...command.clients]
  const results: Opened[] = []
  const lane = async () => {
    for (let spec = pending.shift(); spec; spec = pending.shift()) {
      const client = new LoadClient(spec, counters)
      clients.set(spec.index, client)
      const opened = await client.open(command.expect, command.timeoutMs)
      if (command.announce && opened.error === undefined) sendPresence(client)
      results.push(opened)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, command.concurrency) }, lane))
  return results
}

/** The lowest clock of typist `slot` held by a client of this worker on the typist's document. */
function lowestHeld({ slot, client: typist, docName }: TypistPlan): number {
  let lowest = Infinity
  for (const client of clients.values()) {
    if (client.spec.index === typist || client.spec.docName !== docName) continue
    lowest = Math.min(lowest, client.held.get(TYPIST_CLIENT_BASE + slot) ?? 0)
  }
  return lowest
}

/** Waits until the typists are done and every client holds all they sent; `drainMs` at most. */
async function drain(plan: Plan): Promise<boolean> {
  const until = wallClockMs() + plan.drainMs
  const anyClient = clients.values().next().value
  if (!anyClient) return true
  const counters = anyClient.counters
  for (;;) {
    const caughtUp = plan.typists.every((typist) => counters.done(typist.slot) && lowestHeld(typist) >= counters.sent(typist.slot))
    if (caughtUp) return true
    if (wallClockMs() > until) return false
    await sleep(10)
  }
}

async function run(plan: Plan): Promise<RunReport> {
  const acks = new Map<number, number[]>()
  for (const [slot, client] of plan.acks) acks.set(client, [...(acks.get(client) ?? []), slot])
  for (const client of clients.values()) {
    const index = client.spec.index
    const kill = plan.kill?.client === index ? plan.kill : undefined
    client.resetRun({ latencyFrom: plan.latencyFrom, acks: acks.get(index) ?? [], kill })
  }
  const typists = plan.typists.filter((t) => clients.has(t.client))
  const cursors = plan.cursors.filter((c) => clients.has(c.client))
  const [sent, moves] = await Promise.all([
    Promise.all(typists.map((t) => type(t, clients.get(t.client)!, plan.deadline))),
    Promise.all(cursors.map((c) => moveCursor(c, clients.get(c.client)!, plan.deadline))),
  ])
  const drained = await drain(plan)
  const all = [...clients.values()]
  return {
    latencies: all.flatMap((client) => client.latencies),
    sent: typists.map((t, i) => [t.slot, sent[i]!]),
    lowestHeld: plan.typists.map((typist) => [typist.slot, lowestHeld(typist)]),
    moves: moves.reduce((sum, n) => sum + n, 0),
    awarenessReceived: all.reduce((sum, client) => sum + client.awarenessReceived, 0),
    updatesReceived: all.reduce((sum, client) => sum + client.updatesReceived, 0),
    gaps: all.reduce((sum, client) => sum + client.gaps, 0),
    closed: all.filter((client) => client.closedEarly).length,
    drained,
  }
}

function closeAll(): null {
  for (const client of clients.values()) client.close()
  clients.clear()
  return null
}

async function handle(command: Command): Promise<Opened[] | RunReport | null> {
  switch (command.type) {
    case 'open':
      return open(command)
    case 'run':
      return run(command.plan)
    case 'close':
      return closeAll()
  }
}

port.on('message', ({ id, command }: { id: number; command: Command }) => {
  handle(command).then(
    (result) => port.postMessage({ id, ok: true, result } satisfies Reply),
    (error: unknown) => port.postMessage({ id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Reply),
  )
})
