/**
 * The main thread's side of the load workers: clients are spread over the workers by index,
 * every command goes to all of them, and the answers are merged.
 */
import { Worker } from 'node:worker_threads'
import type { Command, CountersHandle, Plan, Reply, RunReport } from './commands.js'
import type { SharedCounters } from './counters.js'
import type { ClientSpec, Expectation, Opened } from './load-client.js'

const WORKER = new URL('./worker.ts', import.meta.url).href
const TSX_API = import.meta.resolve('tsx/esm/api')
/** Node 20 does not hand tsx's loader to worker threads: each worker registers it first. */
const BOOT = `import(${JSON.stringify(TSX_API)}).then(({ tsImport }) => tsImport(${JSON.stringify(WORKER)}, ${JSON.stringify(WORKER)}))`

/** How long past its own bounds a command may take before the run is declared stuck. */
const GRACE_MS = 30_000

export interface OpenOptions {
  expect?: Expectation
  timeoutMs?: number
  /** Connections in flight at once, per worker. */
  concurrency?: number
  announce?: boolean
}

export class LoadPool {
  readonly #workers: Worker[]
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  #nextId = 0

  private constructor(workers: Worker[]) {
    this.#workers = workers
    for (const worker of workers) {
      worker.on('message', (reply: Reply) => {
        const pending = this.#pending.get(reply.id)
        if (!pending) return
        this.#pending.delete(reply.id)
        if (reply.ok) pending.resolve(reply.result)
        else pending.reject(new Error(`load worker: ${reply.error}`))
      })
      worker.on('error', (error) => this.#failAll(error))
    }
  }

  static start(size: number): LoadPool {
    return new LoadPool(Array.from({ length: size }, () => new Worker(BOOT, { eval: true })))
  }

  get size(): number {
    return this.#workers.length
  }

  /** Opens and syncs clients; the result is in the order of `clients`. */
  async open(counters: SharedCounters, clients: ClientSpec[], options: OpenOptions = {}): Promise<Opened[]> {
    const timeoutMs = options.timeoutMs ?? 30_000
    const handle: CountersHandle = { shape: counters.shape, buffers: counters.buffers }
    const replies = await this.#all(timeoutMs + GRACE_MS, (worker) => ({
      type: 'open',
      counters: handle,
      clients: clients.filter((client) => client.index % this.size === worker),
      expect: options.expect ?? [],
      timeoutMs,
      concurrency: options.concurrency ?? 32,
      announce: options.announce ?? false,
    }))
    const byIndex = new Map((replies as Opened[][]).flat().map((opened) => [opened.index, opened]))
    return clients.map((client) => byIndex.get(client.index)!)
  }

  /** Runs one plan on every worker at once and merges what they report. */
  async run(plan: Plan): Promise<RunReport> {
    const bound = plan.deadline - Date.now() + plan.drainMs + GRACE_MS
    const reports = (await this.#all(bound, () => ({ type: 'run', plan }))) as RunReport[]
    const lowest = new Map<number, number>()
    for (const report of reports) {
      for (const [slot, clock] of report.lowestHeld) lowest.set(slot, Math.min(lowest.get(slot) ?? Infinity, clock))
    }
    return {
      latencies: reports.flatMap((report) => report.latencies),
      sent: reports.flatMap((report) => report.sent),
      lowestHeld: [...lowest],
      moves: sum(reports, (report) => report.moves),
      awarenessReceived: sum(reports, (report) => report.awarenessReceived),
      updatesReceived: sum(reports, (report) => report.updatesReceived),
      gaps: sum(reports, (report) => report.gaps),
      closed: sum(reports, (report) => report.closed),
      drained: reports.every((report) => report.drained),
    }
  }

  /** Closes every client; the workers stay for the next scenario. */
  async closeClients(): Promise<void> {
    await this.#all(GRACE_MS, () => ({ type: 'close' }))
  }

  async stop(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.terminate()))
  }

  #all(timeoutMs: number, command: (worker: number) => Command): Promise<unknown[]> {
    return Promise.all(this.#workers.map((worker, index) => this.#send(worker, command(index), timeoutMs)))
  }

  #send(worker: Worker, command: Command, timeoutMs: number): Promise<unknown> {
    const id = this.#nextId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id)
        reject(new Error(`load worker: '${command.type}' took more than ${Math.round(timeoutMs / 1000)} s`))
      }, timeoutMs)
      this.#pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer)
          resolve(value)
        },
        reject: (error) => {
          clearTimeout(timer)
          reject(error)
        },
      })
      worker.postMessage({ id, command })
    })
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error)
    this.#pending.clear()
  }
}

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0)
}
