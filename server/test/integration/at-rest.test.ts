/**
 * What a server at rest carries: a single server on LevelDB loads neither the PostgreSQL client
 * nor the Redis one (each is loaded when the configuration names its store or bus), so a small
 * self-hosted instance does not pay for the cluster mode in memory; and what it built as it
 * started went to V8's old space, without first growing the young generation to hold it.
 */
import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startChildServer, type ChildServer } from '../helpers/child-server.js'
import { tempDataDir } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

const MARK = 'at-rest:'
/** On SIGUSR2 the server prints the packages its module cache holds, and its young generation's size. */
const PROBE = `import { createRequire } from 'node:module'
import { getHeapSpaceStatistics } from 'node:v8'
const cache = createRequire(process.cwd() + '/').cache
process.on('SIGUSR2', () => {
  const packages = [...new Set(Object.keys(cache).map((file) => /node_modules[\\\\/]((@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(file)?.[1]).filter(Boolean))]
  const youngBytes = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').physical_space_size
  process.stderr.write('${MARK}' + JSON.stringify({ packages, youngBytes }) + '\\n')
})`

interface AtRest {
  packages: string[]
  youngBytes: number
}

let server: ChildServer | undefined
let dir: string | undefined
let atRest: AtRest | undefined

beforeAll(async () => {
  dir = await tempDataDir()
  server = await startChildServer({ DATA_DIR: dir, LOG_FORMAT: 'json' }, ['--import', `data:text/javascript,${encodeURIComponent(PROBE)}`])
  // It serves a document in the meantime: a request that needs neither client loads neither.
  const created = await fetch(`${server.url}/api/docs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  expect(created.status).toBe(201)
  server.process.kill('SIGUSR2')
  const lines = () => server!.output().split('\n')
  const line = await waitFor('what the server holds', () => lines().find((text) => text.startsWith(MARK)), 10_000)
  atRest = JSON.parse(line.slice(MARK.length)) as AtRest
})

afterAll(async () => {
  server?.process.kill('SIGKILL')
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('a server at rest', () => {
  it('on LevelDB has loaded neither the PostgreSQL client nor the Redis one', () => {
    const { packages } = atRest!
    // The list is real: what a LevelDB server needs is in it.
    expect(packages).toEqual(expect.arrayContaining(['classic-level', 'fastify']))
    expect(packages).not.toContain('pg')
    expect(packages).not.toContain('ioredis')
  })

  it('holds a young generation of at most 12 MiB, not the 32 MiB V8 grows it to while the server starts', () => {
    expect(atRest!.youngBytes).toBeGreaterThan(0)
    expect(atRest!.youngBytes).toBeLessThanOrEqual(12 * 2 ** 20)
  })
})
