/**
 * What a server at rest carries: a single server on LevelDB loads neither the PostgreSQL client
 * nor the Redis one (each is loaded when the configuration names its store or bus), so a small
 * self-hosted instance does not pay for the cluster mode in memory. (How much memory it holds is
 * measured by `npm run bench`, not asserted: V8's young generation, the largest part that moves,
 * is sized differently by each Node release and grows again from the first request on.)
 */
import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startChildServer, type ChildServer } from '../helpers/child-server.js'
import { tempDataDir } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

const MARK = 'at-rest:'
/** On SIGUSR2 the server prints the packages its module cache holds. */
const PROBE = `import { createRequire } from 'node:module'
const cache = createRequire(process.cwd() + '/').cache
process.on('SIGUSR2', () => {
  const packages = [...new Set(Object.keys(cache).map((file) => /node_modules[\\\\/]((@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(file)?.[1]).filter(Boolean))]
  process.stderr.write('${MARK}' + JSON.stringify({ packages }) + '\\n')
})`

interface AtRest {
  packages: string[]
}

let server: ChildServer | undefined
let dir: string | undefined
/** What it holds after it served a request. */
let served: AtRest | undefined

beforeAll(async () => {
  dir = await tempDataDir()
  server = await startChildServer({ DATA_DIR: dir, LOG_FORMAT: 'json' }, ['--import', `data:text/javascript,${encodeURIComponent(PROBE)}`])
  // A request that needs neither client loads neither.
  const created = await fetch(`${server.url}/api/docs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  expect(created.status).toBe(201)
  server.process.kill('SIGUSR2')
  const lines = () => server!.output().split('\n')
  const line = await waitFor('what the server holds', () => lines().find((text) => text.startsWith(MARK)), 10_000)
  served = JSON.parse(line.slice(MARK.length)) as AtRest
})

afterAll(async () => {
  server?.process.kill('SIGKILL')
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('a server at rest', () => {
  it('on LevelDB has loaded neither the PostgreSQL client nor the Redis one', () => {
    const { packages } = served!
    // The list is real: what a LevelDB server needs is in it.
    expect(packages).toEqual(expect.arrayContaining(['classic-level', 'fastify']))
    expect(packages).not.toContain('pg')
    expect(packages).not.toContain('ioredis')
  })
})
