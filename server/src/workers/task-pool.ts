import { Worker, type ResourceLimits } from 'node:worker_threads'

/** A task ran past its budget: its worker was stopped. */
export class TaskTimeoutError extends Error {
  override name = 'TaskTimeoutError'
}

/** Every worker is busy and the queue is full: try again later. */
export class TaskQueueFullError extends Error {
  override name = 'TaskQueueFullError'
}

/** The worker died while it ran the task (out of memory, say). */
export class TaskCrashedError extends Error {
  override name = 'TaskCrashedError'
}

/** An error the task itself threw, by its class name and message. */
export class TaskError extends Error {
  override name = 'TaskError'
  readonly kind: string
  constructor(kind: string, message: string) {
    super(message)
    this.kind = kind
  }
}

export interface TaskPoolOptions {
  /** Worker threads at most; each starts on first need. */
  threads: number
  /** Tasks waiting for a thread at most; more are refused with TaskQueueFullError. */
  maxQueued: number
  /** How long one task may run, from the moment a thread takes it. */
  timeoutMs: number
  /** A thread with nothing to do for this long exits, so an idle server holds no worker. */
  idleMs: number
  resourceLimits?: ResourceLimits
}

/** What a task message and its answer look like on the wire between the threads. */
export interface TaskRequest {
  id: number
  task: string
  input: unknown
}
export type TaskAnswer = { id: number; result: unknown } | { id: number; error: { kind: string; message: string } }
/** What a worker posts once it has loaded, before any answer: budgets start from there. */
export const WORKER_READY = 'ready'

interface Pending {
  request: TaskRequest
  transfer: ArrayBuffer[]
  resolve(value: unknown): void
  reject(error: Error): void
}

interface Thread {
  worker: Worker
  /** Loaded and waiting for tasks: a budget never pays for a thread's start. */
  ready: boolean
  running: (Pending & { timer: NodeJS.Timeout }) | undefined
  idleTimer: NodeJS.Timeout | undefined
}

/**
 * Runs heavy tasks (imports, exports, comparisons) on worker threads, so that no request holds
 * the server's event loop: each task has a time budget, after which its thread is stopped and
 * the task refused; the queue is bounded. Threads start when first needed and exit when idle.
 */
export class TaskPool {
  readonly #file: URL
  readonly #options: TaskPoolOptions
  readonly #threads = new Set<Thread>()
  readonly #queue: Pending[] = []
  #nextId = 0
  #closed = false

  constructor(file: URL, options: TaskPoolOptions) {
    this.#file = file
    this.#options = options
  }

  /** Runs `task` with `input` on a worker thread; the buffers in `transfer` move there. */
  run<T>(task: string, input: unknown, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('the task pool is closed'))
    if (this.#queue.length >= this.#options.maxQueued) return Promise.reject(new TaskQueueFullError('every worker is busy'))
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ request: { id: this.#nextId++, task, input }, transfer, resolve: resolve as (value: unknown) => void, reject })
      this.#dispatch()
    })
  }

  /** Threads that exist now: for tests and metrics. */
  get threads(): number {
    return this.#threads.size
  }

  async close(): Promise<void> {
    this.#closed = true
    for (const pending of this.#queue.splice(0)) pending.reject(new Error('the server is shutting down'))
    await Promise.all([...this.#threads].map((thread) => this.#stop(thread, new Error('the server is shutting down'))))
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const thread = this.#idleThread()
      if (!thread) {
        this.#startThread()
        return
      }
      const pending = this.#queue.shift()!
      clearTimeout(thread.idleTimer)
      thread.idleTimer = undefined
      const timer = setTimeout(() => {
        void this.#stop(thread, new TaskTimeoutError(`the task took longer than ${this.#options.timeoutMs} ms`))
      }, this.#options.timeoutMs)
      thread.running = { ...pending, timer }
      thread.worker.postMessage(pending.request, pending.transfer)
    }
  }

  #idleThread(): Thread | undefined {
    for (const thread of this.#threads) if (thread.ready && !thread.running) return thread
    return undefined
  }

  /** Starts a thread unless one is starting already or there are as many as there may be. */
  #startThread(): void {
    if (this.#threads.size >= this.#options.threads || [...this.#threads].some((thread) => !thread.ready)) return
    const worker = workerFor(this.#file, this.#options.resourceLimits)
    const thread: Thread = { worker, ready: false, running: undefined, idleTimer: undefined }
    this.#threads.add(thread)
    worker.on('message', (answer: TaskAnswer | typeof WORKER_READY) => {
      if (answer !== WORKER_READY) return this.#answered(thread, answer)
      thread.ready = true
      this.#dispatch()
    })
    worker.on('error', (error) => this.#failed(thread, error))
    worker.on('exit', () => void this.#stop(thread, new TaskCrashedError('the worker stopped')))
  }

  /** A thread that fails before it is ready cannot run anything: the tasks waiting fail too. */
  #failed(thread: Thread, error: Error): void {
    if (!thread.ready) for (const pending of this.#queue.splice(0)) pending.reject(new Error(`the worker could not start: ${error.message}`))
    void this.#stop(thread, new TaskCrashedError(`the worker failed: ${error.message}`))
  }

  #answered(thread: Thread, answer: TaskAnswer): void {
    const running = thread.running
    if (!running || running.request.id !== answer.id) return
    clearTimeout(running.timer)
    thread.running = undefined
    if ('error' in answer) running.reject(new TaskError(answer.error.kind, answer.error.message))
    else running.resolve(answer.result)
    thread.idleTimer = setTimeout(() => void this.#stop(thread), this.#options.idleMs)
    thread.idleTimer.unref()
    this.#dispatch()
  }

  /** Ends a thread; the task it ran, if any, fails with `error`. */
  async #stop(thread: Thread, error?: Error): Promise<void> {
    if (!this.#threads.delete(thread)) return
    clearTimeout(thread.idleTimer)
    const running = thread.running
    thread.running = undefined
    if (running) {
      clearTimeout(running.timer)
      running.reject(error ?? new TaskCrashedError('the worker stopped'))
    }
    await thread.worker.terminate()
    if (!this.#closed) this.#dispatch()
  }
}

/**
 * A worker running `file`. Built code is JavaScript; under the test runner the file is the
 * TypeScript source, which the worker loads through tsx (a development dependency).
 */
function workerFor(file: URL, resourceLimits: ResourceLimits | undefined): Worker {
  if (!file.pathname.endsWith('.ts')) return new Worker(file, { resourceLimits })
  const href = JSON.stringify(file.href)
  return new Worker(`import('tsx/esm/api').then(({ tsImport }) => tsImport(${href}, ${href}))`, { eval: true, resourceLimits })
}
