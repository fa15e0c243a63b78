/**
 * A server under test as a child process of its own: started, awaited until it answers
 * HTTP, stopped politely or killed. Its output is kept (the tail) for error messages.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { sampleProcess, type ProcSample } from './proc.js'

const OUTPUT_TAIL_CHARS = 16_384

export interface ProcessOptions {
  name: string
  args: string[]
  env: Record<string, string>
  /** An HTTP URL that answers once the server is ready. */
  readyUrl: string
  readyTimeoutMs?: number
}

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

/** Servers still running, killed if the suite itself exits without stopping them. */
const running = new Set<ChildProcess>()
let exitHookInstalled = false

function killLeftoversOnExit(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL')
  })
}

export class ServerProcess {
  readonly name: string
  readonly pid: number
  readonly exited: Promise<Exit>
  readonly #child: ChildProcess
  #output = ''
  #partial = ''
  #exit: Exit | undefined
  readonly #lineWatchers = new Set<(line: string) => void>()

  private constructor(name: string, child: ChildProcess) {
    this.name = name
    this.#child = child
    if (child.pid === undefined) throw new Error(`${name} did not start`)
    this.pid = child.pid
    const keep = (chunk: Buffer) => {
      const text = String(chunk)
      this.#output = (this.#output + text).slice(-OUTPUT_TAIL_CHARS)
      const lines = (this.#partial + text).split('\n')
      this.#partial = lines.pop()!.slice(-OUTPUT_TAIL_CHARS)
      for (const line of lines) for (const watcher of this.#lineWatchers) watcher(line)
    }
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    running.add(child)
    killLeftoversOnExit()
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        running.delete(child)
        this.#exit = { code, signal }
        resolve(this.#exit)
      }),
    )
  }

  /** Starts `node <args>` and waits until `readyUrl` answers. */
  static async start(options: ProcessOptions): Promise<ServerProcess> {
    const child = spawn(process.execPath, options.args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const server = new ServerProcess(options.name, child)
    const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000)
    for (;;) {
      if (server.#exit) throw new Error(`${options.name} exited while starting (${JSON.stringify(server.#exit)}):\n${server.output}`)
      try {
        const response = await fetch(options.readyUrl, { signal: AbortSignal.timeout(1_000) })
        await response.arrayBuffer()
        if (response.ok) return server
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await server.kill()
        throw new Error(`${options.name} did not answer ${options.readyUrl} in time:\n${server.output}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  get output(): string {
    return this.#output
  }

  /** The next line of output that `matches`, written after this call. */
  nextOutputLine(matches: (line: string) => boolean, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const watcher = (line: string) => {
        if (!matches(line)) return
        this.#lineWatchers.delete(watcher)
        clearTimeout(timer)
        resolve(line)
      }
      const timer = setTimeout(() => {
        this.#lineWatchers.delete(watcher)
        reject(new Error(`${this.name} did not write the expected line within ${timeoutMs} ms`))
      }, timeoutMs)
      this.#lineWatchers.add(watcher)
    })
  }

  get running(): boolean {
    return this.#exit === undefined
  }

  sample(): ProcSample {
    return sampleProcess(this.pid)
  }

  /** SIGTERM, then SIGKILL if it has not exited within `timeoutMs`. */
  async stop(timeoutMs = 20_000): Promise<Exit> {
    if (!this.running) return this.exited
    this.#child.kill('SIGTERM')
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs)
    const exit = await this.exited
    clearTimeout(timer)
    return exit
  }

  async kill(): Promise<Exit> {
    if (this.running) this.#child.kill('SIGKILL')
    return this.exited
  }
}

/** A port that was free a moment ago, on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.unref()
    probe.on('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}
