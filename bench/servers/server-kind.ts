import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Framing } from '../clients/wire.js'
import { liveMemory, MEMORY_PROBE_ARGS, type LiveMemory } from './memory-probe.js'
import type { ProcSample } from './proc.js'
import { freePort, ServerProcess, type Exit } from './server-process.js'

export type ServerId = 'relay' | 'y-websocket' | 'hocuspocus' | 'quire' | 'quire-fsync' | 'quire-postgres' | 'quire-cluster'

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** A document as a server names it: what goes on the socket's URL and in Hocuspocus' frames. */
export interface DocRef {
  name: string
  /** Path and query of the socket URL. */
  path: string
}

export interface StartOptions {
  dataDir: string
  /** The port of a previous run, so that a restarted server keeps its address. */
  port?: number
  /** Extra node options, e.g. --cpu-prof. */
  nodeArgs?: string[]
}

/** One of the servers compared: how to start it and how to talk to it. */
export interface ServerKind {
  id: ServerId
  /** Name and version, for the table and the chart. */
  label: string
  framing: Framing
  /** Whether it keeps documents at all (the relay does not). */
  stateful: boolean
  /**
   * Whether it holds acknowledged updates in memory for a while before storing them: such a
   * server must be stopped with SIGTERM, not killed, before a restart that should find them.
   */
  storesLater: boolean
  start(options: StartOptions): Promise<RunningServer>
  /** Removes what the kind made outside the run's data directories (a database), once the run ends. */
  cleanup?(): Promise<void>
}

export class RunningServer {
  readonly kind: ServerKind
  readonly process: ServerProcess
  readonly port: number
  readonly dataDir: string
  readonly #createDoc: (server: RunningServer) => Promise<DocRef>

  constructor(kind: ServerKind, process: ServerProcess, port: number, dataDir: string, createDoc: (server: RunningServer) => Promise<DocRef>) {
    this.kind = kind
    this.process = process
    this.port = port
    this.dataDir = dataDir
    this.#createDoc = createDoc
  }

  get pid(): number {
    return this.process.pid
  }

  /** Every process that serves: one, or each instance of a cluster (their CPU is summed). */
  get pids(): number[] {
    return [this.pid]
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`
  }

  /** The socket URL of the `client`th client (a cluster spreads them over its instances). */
  wsUrl(doc: DocRef, _client = 0): string {
    return `ws://127.0.0.1:${this.port}${doc.path}`
  }

  createDoc(): Promise<DocRef> {
    return this.#createDoc(this)
  }

  sample(): ProcSample {
    return this.process.sample()
  }

  /** Memory after a full garbage collection. */
  liveMemory(): Promise<LiveMemory> {
    return liveMemory(this.process)
  }

  stop(): Promise<Exit> {
    return this.process.stop()
  }

  kill(): Promise<Exit> {
    return this.process.kill()
  }
}

/** Starts `node <args>` on a free (or the given) port. */
export async function startNode(
  kind: ServerKind,
  options: StartOptions,
  launch: (port: number) => { args: string[]; env?: Record<string, string>; readyPath: string },
  createDoc: (server: RunningServer) => Promise<DocRef>,
): Promise<RunningServer> {
  const port = options.port ?? (await freePort())
  const { args, env = {}, readyPath } = launch(port)
  const process = await ServerProcess.start({
    name: kind.id,
    args: [...MEMORY_PROBE_ARGS, ...(options.nodeArgs ?? []), ...args],
    env,
    readyUrl: `http://127.0.0.1:${port}${readyPath}`,
  })
  return new RunningServer(kind, process, port, options.dataDir, createDoc)
}

/** A fresh document name for servers that create documents on first use. */
export function randomDocName(): string {
  return `bench-${randomBytes(6).toString('hex')}`
}

/** The installed version of a package of this repository. */
export function installedVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(`${REPO_ROOT}node_modules/${name}/package.json`, 'utf8')) as { version: string }
  return manifest.version
}

/** node options that run a TypeScript entry point with tsx, in this one process. */
export const TSX_IMPORT = ['--import', 'tsx']
