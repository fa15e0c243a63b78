import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { waitFor } from './wait.js'

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url))

export interface ChildServer {
  process: ChildProcess
  url: string
  collabUrl: string
  output: () => string
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>
}

/**
 * The built server as its own process, as `npm start` runs it, on a free port (unless `env`
 * sets PORT); `nodeArgs` go to node before the script (a memory probe, say).
 */
export async function startChildServer(env: Record<string, string>, nodeArgs: string[] = []): Promise<ChildServer> {
  if (!existsSync(MAIN)) throw new Error('server/dist/main.js is missing: run `npm run build` first (npm test does)')
  const child = spawn(process.execPath, [...nodeArgs, MAIN], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output += String(chunk)))
  child.stderr.on('data', (chunk) => (output += String(chunk)))
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)))
  const url = await waitFor('the server to listen', () => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1], 15_000).catch(
    (error: unknown) => {
      // No caller holds it yet: it would outlive the test.
      child.kill('SIGKILL')
      throw error
    },
  )
  return { process: child, url, collabUrl: `${url.replace('http', 'ws')}/collab`, output: () => output, exited }
}
