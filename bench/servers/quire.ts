import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import type { CreateDocResponse } from '@quire/shared'
import { REPO_ROOT, RunningServer, startNode, type DocRef, type ServerKind, type StartOptions } from './server-kind.js'

const MAIN = join(REPO_ROOT, 'server/dist/main.js')

/** The key of a share link: `<origin>/d/<id>#key=<key>`. */
function keyOf(link: string): string {
  const key = /[#&]key=([^&]+)/.exec(new URL(link).hash)?.[1]
  if (!key) throw new Error(`no key in the link ${link}`)
  return decodeURIComponent(key)
}

async function createDoc(server: RunningServer): Promise<DocRef> {
  const response = await fetch(`${server.httpUrl}/api/docs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Bench' }),
    signal: AbortSignal.timeout(10_000),
  })
  if (response.status !== 201) throw new Error(`POST /api/docs answered ${response.status}: ${await response.text()}`)
  const { id, links } = (await response.json()) as CreateDocResponse
  return { name: id, path: `/collab/${id}?key=${encodeURIComponent(keyOf(links.edit))}` }
}

export function quireKind(id: 'quire' | 'quire-fsync' | 'quire-postgres' | 'quire-cluster', label: string, env: Record<string, string>): ServerKind {
  return {
    id,
    label,
    framing: 'yws',
    stateful: true,
    storesLater: false,
    start(options: StartOptions): Promise<RunningServer> {
      if (!existsSync(MAIN)) throw new Error('server/dist/main.js is missing: build first (npm run bench does)')
      return startNode(
        this,
        options,
        (port) => ({
          args: [MAIN],
          env: {
            PORT: String(port),
            HOST: '127.0.0.1',
            DATA_DIR: options.dataDir,
            LOG_LEVEL: 'warn',
            // Every load client comes from 127.0.0.1.
            CREATE_RATE_PER_MINUTE: '1000000',
            MAX_SOCKETS_PER_ADDRESS: '1000000',
            ...env,
          },
          readyPath: '/readyz',
        }),
        createDoc,
      )
    },
  }
}

/** Quire as `npm start` runs it (built first), limits for one client address raised. */
export const quire = quireKind('quire', 'Quire', {})

/**
 * The same with an fsync per write batch (SYNC_WRITES=true: a power cut loses nothing
 * either). Not in the default run; `--servers quire,quire-fsync` shows what the fsync costs.
 */
export const quireFsync = quireKind('quire-fsync', 'Quire, SYNC_WRITES=true', { SYNC_WRITES: 'true' })

/** The PostgreSQL server the benchmark's databases go on: the machine's own unless said otherwise. */
const ADMIN_DATABASE_URL = process.env.QUIRE_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

async function asAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

/** A database of its own for each data directory of the run, so that a restart finds its documents. */
const databases = new Map<string, string>()

/** The URL of the database for `dataDir`, made on first use. */
export async function testDatabase(dataDir: string): Promise<string> {
  let name = databases.get(dataDir)
  if (!name) {
    name = `quire_bench_${randomBytes(6).toString('hex')}`
    await asAdmin(`CREATE DATABASE ${name}`)
    databases.set(dataDir, name)
  }
  const url = new URL(ADMIN_DATABASE_URL)
  url.pathname = `/${name}`
  return url.toString()
}

/** Drops every database the run made. */
export async function dropDatabases(): Promise<void> {
  for (const name of databases.values()) await asAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  databases.clear()
}

/** Quire on PostgreSQL (STORE=postgres); the databases are dropped when the run ends. */
export const quirePostgres: ServerKind = {
  ...quireKind('quire-postgres', 'Quire on PostgreSQL', {}),
  async start(options: StartOptions): Promise<RunningServer> {
    const url = await testDatabase(options.dataDir)
    return quireKind('quire-postgres', this.label, { STORE: 'postgres', DATABASE_URL: url }).start.call(this, options)
  },
  cleanup: dropDatabases,
}
