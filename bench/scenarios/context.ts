/** What every scenario gets: the load workers, the sizes, and servers it starts and stops. */
import { cp, readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { ClientSpec } from '../clients/load-client.js'
import type { LoadPool } from '../clients/pool.js'
import type { RunningServer, DocRef, ServerKind } from '../servers/server-kind.js'
import type { Settings } from '../settings.js'

export interface ScenarioContext {
  pool: LoadPool
  settings: Settings
  /** Progress lines, on stderr so that stdout keeps the table. */
  log(line: string): void
  /** Starts a server; with --cpu-prof, Quire writes a profile when it is stopped politely. */
  start(kind: ServerKind, dataDir: string, port?: number): Promise<RunningServer>
  /** A fresh directory for a server's data, removed when the suite ends. */
  dataDir(): Promise<string>
}

export interface Scenario<R> {
  id: string
  title: string
  /** Whether the raw relay, which keeps no documents, takes part. */
  withRelay: boolean
  run(kind: ServerKind, context: ScenarioContext): Promise<R>
}

/** `count` clients of one document, numbered from `first`. */
export function clientsOf(server: RunningServer, doc: DocRef, count: number, first = 0): ClientSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    index: first + i,
    url: server.wsUrl(doc, first + i),
    docName: doc.name,
    framing: server.kind.framing,
  }))
}

/** Throws with the first failures when clients could not connect or sync. */
export function assertOpened(what: string, opened: { error?: string }[]): void {
  const failed = opened.filter((o) => o.error !== undefined)
  if (failed.length === 0) return
  const examples = [...new Set(failed.map((o) => o.error))].slice(0, 3).join('; ')
  throw new Error(`${what}: ${failed.length} of ${opened.length} clients failed (${examples})`)
}

/** Bytes of every file under `dir`. */
export async function bytesOnDisk(dir: string): Promise<number> {
  let total = 0
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size
  }
  return total
}

/** A copy of a data directory, so that each measurement starts from the same state. */
export async function copyDataDir(context: ScenarioContext, from: string): Promise<string> {
  const to = await context.dataDir()
  await cp(from, to, { recursive: true })
  return to
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}
