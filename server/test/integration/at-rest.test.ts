/**
 * What a server at rest carries: a single server on LevelDB loads neither the PostgreSQL client
 * nor the Redis one (each is loaded when the configuration names its store or bus), so a small
 * self-hosted instance does not pay for the cluster mode in memory.
 */
import { rm } from 'node:fs/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { startChildServer, type ChildServer } from '../helpers/child-server.js'
import { tempDataDir } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

const MARK = 'loaded-packages:'
/** On SIGUSR2 the server prints the packages its module cache holds. */
const LIST_PACKAGES = `import { createRequire } from 'node:module'
const cache = createRequire(process.cwd() + '/').cache
process.on('SIGUSR2', () => {
  const names = new Set(Object.keys(cache).map((file) => /node_modules[\\\\/]((@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(file)?.[1]).filter(Boolean))
  process.stderr.write('${MARK}' + JSON.stringify([...names]) + '\\n')
})`

let server: ChildServer | undefined
let dir: string | undefined

afterAll(async () => {
  server?.process.kill('SIGKILL')
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('a server at rest', () => {
  it('on LevelDB has loaded neither the PostgreSQL client nor the Redis one', async () => {
    dir = await tempDataDir()
    server = await startChildServer({ DATA_DIR: dir, LOG_FORMAT: 'json' }, ['--import', `data:text/javascript,${encodeURIComponent(LIST_PACKAGES)}`])
    // It serves a document in the meantime: a request that needs neither loads neither.
    const created = await fetch(`${server.url}/api/docs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect(created.status).toBe(201)
    server.process.kill('SIGUSR2')
    const line = await waitFor(
      'the list of loaded packages',
      () =>
        server!
          .output()
          .split('\n')
          .find((text) => text.startsWith(MARK)),
      10_000,
    )
    const packages = JSON.parse(line.slice(MARK.length)) as string[]
    // The list is real: what a LevelDB server needs is in it.
    expect(packages).toEqual(expect.arrayContaining(['classic-level', 'fastify']))
    expect(packages).not.toContain('pg')
    expect(packages).not.toContain('ioredis')
  })
})
