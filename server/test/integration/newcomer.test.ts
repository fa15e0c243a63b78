/**
 * What a newcomer sees in the terminal: `npm start` builds only what changed, readable lines
 * (JSON when the output is not a terminal), no line per static file or health probe at the
 * default level, and one clear sentence with what to do when the port is taken or another
 * server holds the data folder.
 */
import { execFile, spawn } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { startChildServer, type ChildServer } from '../helpers/child-server.js'
import { tempDataDir } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url))
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const running: ChildServer[] = []
const dirs: string[] = []

afterAll(async () => {
  for (const server of running) server.process.kill('SIGKILL')
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

async function dataDir(): Promise<string> {
  const dir = await tempDataDir()
  dirs.push(dir)
  return dir
}

/** Runs the server until it exits by itself: its exit code and everything it wrote. */
function runUntilExit(env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN], { env: { ...process.env, HOST: '127.0.0.1', ...env }, timeout: 20_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, output: stdout + stderr }),
    )
  })
}

const lines = (output: string) => output.split('\n').filter(Boolean)

describe('starting the server', () => {
  it('with npm start builds nothing that is up to date, and passes a SIGTERM on to the server', async () => {
    // npm test built everything just before.
    const start = spawn(process.execPath, ['scripts/start.mjs'], { cwd: ROOT, env: { ...process.env, PORT: '0', DATA_DIR: await dataDir() } })
    let output = ''
    start.stdout.on('data', (chunk) => (output += String(chunk)))
    start.stderr.on('data', (chunk) => (output += String(chunk)))
    const exited = new Promise<number | null>((resolve) => start.on('exit', resolve))
    await waitFor('the server to listen', () => output.includes('Server listening at'), 30_000)
    expect(output).not.toContain('vite build')
    start.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(output).toContain('"msg":"stopped"')
  })

  it('says in one sentence what to do when the port is taken', async () => {
    const first = await startChildServer({ DATA_DIR: await dataDir() })
    running.push(first)
    const port = new URL(first.url).port
    const { code, output } = await runUntilExit({ PORT: port, DATA_DIR: await dataDir() })
    expect(code).toBe(1)
    expect(lines(output)).toHaveLength(1)
    expect(JSON.parse(output).msg).toBe(`Port ${port} on 127.0.0.1 is already in use: stop the program that holds it, or set PORT to a free port.`)
  })

  it('says in one sentence what to do when another server holds the data folder', async () => {
    const dir = await dataDir()
    running.push(await startChildServer({ DATA_DIR: dir }))
    const { code, output } = await runUntilExit({ PORT: '0', DATA_DIR: dir })
    expect(code).toBe(1)
    expect(lines(output)).toHaveLength(1)
    expect(JSON.parse(output).msg).toBe(
      `Another Quire server is using the data folder ${dir} (LevelDB lets one process open it): stop that server, or set DATA_DIR to another folder.`,
    )
  })

  it('writes readable lines with LOG_FORMAT=pretty (the default at a terminal), JSON otherwise', async () => {
    const pretty = await startChildServer({ DATA_DIR: await dataDir(), LOG_FORMAT: 'pretty' })
    running.push(pretty)
    const line = lines(pretty.output()).find((each) => each.includes('Server listening at'))!
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: Server listening at http:\/\/127\.0\.0\.1:\d+$/)
    const json = await startChildServer({ DATA_DIR: await dataDir() })
    running.push(json)
    expect(JSON.parse(lines(json.output()).find((each) => each.includes('Server listening at'))!).level).toBe(30)
  })

  it('logs API requests at info, but not the editor’s files or health probes', async () => {
    const server = await startChildServer({ DATA_DIR: await dataDir() })
    running.push(server)
    for (const path of ['/', '/favicon.svg', '/healthz', '/readyz', '/metrics']) await (await fetch(`${server.url}${path}`)).arrayBuffer()
    await (await fetch(`${server.url}/api/docs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).arrayBuffer()
    const requests = lines(server.output())
      .map((line) => JSON.parse(line) as { msg: string; req?: { url: string } })
      .filter(({ msg }) => msg === 'incoming request')
      .map(({ req }) => req!.url)
    expect(requests).toEqual(['/api/docs'])
  })
})
