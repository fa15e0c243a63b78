import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { CreateDocResponse } from '@quire/shared'
import { buildApp } from '../../src/app.js'
import { configWith, type Config } from '../../src/config.js'
import { createLogger } from '../../src/logger.js'
import type { DocStore } from '../../src/storage/doc-store.js'
import { LevelStore } from '../../src/storage/level-store.js'

export interface TestServer {
  app: FastifyInstance
  store: DocStore
  config: Config
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

export async function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'quire-test-'))
}

export interface StartOptions {
  config?: Partial<Config>
  dataDir?: string
  /** Wraps the real store, for fault injection. */
  wrapStore?: (store: LevelStore) => DocStore
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

/** Starts the real app (on port 0 unless `config.port` says otherwise) with a LevelDB store in a temporary directory. */
export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await tempDataDir())
  const config = configWith({ logLevel: 'info', unloadGraceMs: 200, port: 0, ...options.config, dataDir })
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
  const level = new LevelStore(join(dataDir, 'db'), { syncWrites: config.syncWrites, log: logger })
  await level.open()
  const store = options.wrapStore ? options.wrapStore(level) : level
  const app = await buildApp({ config, store, linkSecret: TEST_SECRET, logger })
  await app.listen({ port: config.port, host: '127.0.0.1' })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const url = `http://127.0.0.1:${address.port}`
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    await app.close()
    await level.close()
  }
  return {
    app,
    store,
    config,
    dataDir,
    url,
    collabUrl: `ws://127.0.0.1:${address.port}/collab`,
    logs,
    stop,
    close: async () => {
      await stop()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

export interface TestDoc {
  id: string
  title: string
  keys: { owner: string; edit: string; view: string }
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
    keys: { owner: keyOf(created.links.owner), edit: keyOf(created.links.edit), view: keyOf(created.links.view) },
  }
}
