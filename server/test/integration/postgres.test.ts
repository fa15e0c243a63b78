import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { PgStore } from '../../src/storage/pg-store.js'
import { MIGRATIONS } from '../../src/storage/pg-schema.js'
import { startChildServer, type ChildServer } from '../helpers/child-server.js'
import { createDoc } from '../helpers/server.js'
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js'

const log = pino({ level: 'silent' })
let database: TestDatabase | undefined
const children: ChildServer[] = []
const stores: PgStore[] = []
afterEach(async () => {
  for (const child of children.splice(0)) child.process.kill('SIGKILL')
  for (const store of stores.splice(0)) await store.close().catch(() => undefined)
  await database?.drop()
  database = undefined
})

const storeOn = (url: string) => {
  const store = new PgStore(url, { syncWrites: true, poolSize: 2, statementTimeoutMs: 10_000, log })
  stores.push(store)
  return store
}

async function sql<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<R>(text)).rows
  } finally {
    await client.end()
  }
}

describe('the PostgreSQL schema', () => {
  it('is created by the first servers to start, once, however many start at the same time', async () => {
    database = await createTestDatabase()
    await Promise.all([storeOn(database.url).open(), storeOn(database.url).open(), storeOn(database.url).open()])
    const applied = await sql<{ version: number }>(database.url, 'SELECT version FROM quire_migrations ORDER BY version')
    expect(applied.map(({ version }) => version)).toEqual(MIGRATIONS.map(({ version }) => version))
    // A later start finds nothing to do.
    await storeOn(database.url).open()
    expect(await sql(database.url, 'SELECT version FROM quire_migrations')).toHaveLength(MIGRATIONS.length)
  })

  it('refuses a database whose schema is newer than the server knows, saying so', async () => {
    database = await createTestDatabase()
    await storeOn(database.url).open()
    await sql(database.url, "INSERT INTO quire_migrations (version, name) VALUES (999, 'from the future')")
    await expect(storeOn(database.url).open()).rejects.toThrow(/schema is version 999, newer than this server knows/)
  })
})

describe('servers on one PostgreSQL database', () => {
  it('sign links with the secret generated once into the database: a key minted by one opens the document on the other', async () => {
    database = await createTestDatabase()
    const env = { STORE: 'postgres', DATABASE_URL: database.url, DATA_DIR: '/nonexistent-quire-data' }
    const [a, b] = await Promise.all([startChildServer(env), startChildServer(env)])
    children.push(a, b)
    const doc = await createDoc(a.url, { title: 'Shared' })
    for (const key of Object.values(doc.keys)) {
      const response = await fetch(`${b.url}/api/docs/${doc.id}`, { headers: { authorization: `Bearer ${key}` } })
      expect(response.status).toBe(200)
    }
    const [secret] = await sql<{ value: string }>(database.url, "SELECT value FROM settings WHERE name = 'link-secret'")
    expect(secret?.value).toMatch(/^[0-9a-f]{64}$/)
    // The store's own figures, beside the rest.
    const metrics = await (await fetch(`${a.url}/metrics`)).text()
    expect(Number(/quire_store_query_seconds_count (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0)
    expect(metrics).toMatch(/quire_store_connections\{state="idle"\} \d+/)
    expect(metrics).toContain('quire_store_errors_total 0')
  })

  it('refuse to start when STORE=postgres comes without DATABASE_URL, saying which variable to set', async () => {
    const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url))
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      execFile(process.execPath, [main], { env: { ...process.env, STORE: 'postgres', DATABASE_URL: '', PORT: '0' } }, (error, stdout, stderr) =>
        resolve({ code: error ? (error.code as number) : 0, output: stdout + stderr }),
      )
    })
    expect(code).toBe(1)
    expect(output).toContain('DATABASE_URL: required with STORE=postgres')
  })
})
