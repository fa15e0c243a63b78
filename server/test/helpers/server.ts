import { rm } from 'node:fs/promises'
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { CreateDocResponse } from '@quire/shared'
import { randomBytes } from 'node:crypto'
import { buildApp } from '../../src/app.js'
import type { Bus } from '../../src/bus/bus.js'
import { RedisBus } from '../../src/bus/redis-bus.js'
import { configWith, type Config } from '../../src/config.js'
import { createLogger } from '../../src/logger.js'
import type { DocStore } from '../../src/storage/doc-store.js'
import { createStore } from '../../src/storage/open-store.js'
import { testHome, type StoreKind, type TestHome } from './homes.js'

export { tempDataDir } from './homes.js'

export interface TestServer {
  app: FastifyInstance
  store: DocStore
  config: Config
  /** Where its data is: start another server on it to find the data again. */
  home: TestHome
  dataDir: string
  /** http://127.0.0.1:<port> */
  url: string
  /** ws://127.0.0.1:<port>/collab */
  collabUrl: string
  /** Every log line the server wrote. */
  logs: string[]
  /** Stops the server and its store; keeps the data directory. */
  stop(): Promise<void>
  /** Stops and removes the data directory. */
  close(): Promise<void>
}

export const TEST_SECRET = Buffer.alloc(32, 7)

export interface StartOptions {
  config?: Partial<Config>
  /** Where the data is: a new LevelDB home unless given (a restart passes the stopped server's). */
  home?: TestHome
  /** A LevelDB directory to use (a home of it is made). */
  dataDir?: string
  /** Wraps the real store, for fault injection. */
  wrapStore?: (store: DocStore) => DocStore
  /** With `config.redisUrl` (the cluster mode): wraps the real bus, for fault injection. */
  wrapBus?: (bus: Bus) => Bus
}

/** A port that was free a moment ago, for a server that must come back on the same one. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net')
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as { port: number }
  await new Promise((resolve) => probe.close(resolve))
  return port
}

/**
 * Starts the real app (on port 0 unless `config.port` says otherwise) on a real store: LevelDB
 * in a temporary directory, or the store of the home given (PostgreSQL too).
 */
export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const home = options.home ?? (options.dataDir ? levelHome(options.dataDir) : await testHome('leveldb'))
  const dataDir = home.dataDir
  const config = configWith({ logLevel: 'info', unloadGraceMs: 200, port: 0, ...home.config, ...options.config, dataDir })
  const logs: string[] = []
  const logger = createLogger(
    config.logLevel,
    new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk))
        done()
      },
    }),
  )
  const real = await createStore(config, logger)
  await real.open()
  const store = options.wrapStore ? options.wrapStore(real) : real
  const redis = config.redisUrl ? new RedisBus({ url: config.redisUrl, instance: `test-${randomBytes(3).toString('hex')}`, log: logger }) : undefined
  const bus = redis && options.wrapBus ? options.wrapBus(redis) : redis
  const app = await buildApp({ config, store, linkSecret: TEST_SECRET, logger, bus, sharedCounts: redis })
  await app.listen({ port: config.port, host: '127.0.0.1' })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const url = `http://127.0.0.1:${address.port}`
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    await app.close()
    await redis?.close()
    await real.close()
  }
  return {
    app,
    store,
    config,
    home,
    dataDir,
    url,
    collabUrl: `ws://127.0.0.1:${address.port}/collab`,
    logs,
    stop,
    close: async () => {
      await stop()
      await home.remove()
    },
  }
}

/** Starts a server on a new home of `kind`: the storage tests run each case on every store. */
export async function startServerOn(kind: StoreKind, options: Omit<StartOptions, 'home' | 'dataDir'> = {}): Promise<TestServer> {
  return startServer({ ...options, home: await testHome(kind) })
}

/** A LevelDB home in a directory a test made itself. */
function levelHome(dataDir: string): TestHome {
  return {
    kind: 'leveldb',
    dataDir,
    config: { dataDir, store: 'leveldb' },
    env: { DATA_DIR: dataDir },
    openStore: () => Promise.reject(new Error('open the directory’s LevelDB yourself')),
    remove: () => rm(dataDir, { recursive: true, force: true }),
  }
}

export interface TestDoc {
  id: string
  title: string
  keys: { owner: string; edit: string; view: string; comment: string }
  links: CreateDocResponse['links']
}

export function keyOf(link: string): string {
  const key = new URL(link).hash.match(/key=([^&]+)/)?.[1]
  if (!key) throw new Error(`no key in ${link}`)
  return decodeURIComponent(key)
}

/** Creates a document through the API. */
export async function createDoc(baseUrl: string, body: Record<string, unknown> = {}): Promise<TestDoc> {
  const response = await fetch(`${baseUrl}/api/docs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`)
  const created = (await response.json()) as CreateDocResponse
  return {
    ...created,
    keys: { owner: keyOf(created.links.owner), edit: keyOf(created.links.edit), view: keyOf(created.links.view), comment: keyOf(created.links.comment) },
  }
}
