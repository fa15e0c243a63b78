/** The messages between the main thread and the load workers. */
import type { CursorPlan, TypistPlan } from './activity.js'
import type { CountersShape } from './counters.js'
import type { ClientSpec, Expectation, Opened } from './load-client.js'

export interface CountersHandle {
  shape: CountersShape
  buffers: { ints: SharedArrayBuffer; times: SharedArrayBuffer }
}

/** Connects clients (at most `concurrency` at a time per worker) and syncs them. */
export interface OpenCommand {
  type: 'open'
  counters: CountersHandle
  clients: ClientSpec[]
  expect: Expectation
  timeoutMs: number
  concurrency: number
  /** Each client sends its presence once synced. */
  announce: boolean
}

/** Everything the workers' clients do in one run; clients are named by run-wide index. */
export interface Plan {
  typists: TypistPlan[]
  cursors: CursorPlan[]
  /** Typing and moving stop at this time (epoch ms) at the latest. */
  deadline: number
  /** Then clients have this long to receive everything that was sent. */
  drainMs: number
  /** Latency is recorded for updates sent from this time on (epoch ms). */
  latencyFrom?: number
  /** Which client acknowledges each typist's updates: [slot, client]. */
  acks: [slot: number, client: number][]
  /** The client that kills the server once it holds `clock` of typist `slot`. */
  kill?: { pid: number; slot: number; clock: number; client: number }
}

export interface RunCommand {
  type: 'run'
  plan: Plan
}

export interface CloseCommand {
  type: 'close'
}

export type Command = OpenCommand | RunCommand | CloseCommand

export interface RunReport {
  latencies: number[]
  /** Updates each local typist sent: [slot, updates]. */
  sent: [slot: number, updates: number][]
  /** For each typist slot, the lowest clock that any other client of the worker holds. */
  lowestHeld: [slot: number, clock: number][]
  moves: number
  awarenessReceived: number
  updatesReceived: number
  gaps: number
  /** Clients whose socket closed during the run. */
  closed: number
  drained: boolean
}

export type Reply = { id: number; ok: true; result: Opened[] | RunReport | null } | { id: number; ok: false; error: string }
