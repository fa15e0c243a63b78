/**
 * The built server as a child process for the soak: started and stopped on one port and one
 * data directory, so the stock clients find it again by themselves after every restart.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const MAIN = fileURLToPath(new URL('../../server/dist/main.js', import.meta.url))
/** Log lines kept for a failed verdict; the rest is dropped, a long run would fill memory. */
const KEPT_LINES = 200

export class SoakServer {
  readonly url: string
  readonly collabUrl: string
  readonly #env: Record<string, string>
  #child: ChildProcess | undefined
  #exited: Promise<number | string> | undefined
  readonly recentOutput: string[] = []
  /** Lines at level error (50) or above, over every run. */
  errorLines = 0

  constructor(port: number, env: Record<string, string>) {
    this.url = `http://127.0.0.1:${port}`
    this.collabUrl = `ws://127.0.0.1:${port}/collab`
    this.#env = { ...env, PORT: String(port), HOST: '127.0.0.1' }
  }

  get pid(): number | undefined {
    return this.#child?.pid
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [MAIN], { env: { ...process.env, ...this.#env }, stdio: ['ignore', 'pipe', 'pipe'] })
    this.#child = child
    this.#exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)))
    const keep = (chunk: Buffer) => {
      for (const line of String(chunk).split('\n')) {
        if (!line) continue
        if (/"level":(5|6)\d/.test(line)) this.errorLines++
        this.recentOutput.push(line)
        if (this.recentOutput.length > KEPT_LINES) this.recentOutput.shift()
      }
    }
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline) {
      if (
        await fetch(`${this.url}/readyz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    throw new Error('the server did not become ready within 30 s')
  }

  /** Sends `signal` and resolves with the exit code (or the signal's name). */
  async stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<number | string> {
    this.#child?.kill(signal)
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 30_000).unref())
    const result = await Promise.race([this.#exited!, timeout])
    if (result === 'timeout') {
      this.#child?.kill('SIGKILL')
      await this.#exited
    }
    this.#child = undefined
    return result
  }

  async metrics(): Promise<string> {
    return (await fetch(`${this.url}/metrics`)).text()
  }
}
