import { spawn, type ChildProcess } from 'node:child_process'
import { connect } from 'node:net'
import { quireKind, testDatabase, dropDatabases } from './quire.js'
import { freePort } from './server-process.js'
import { RunningServer, type DocRef, type ServerKind, type StartOptions } from './server-kind.js'

/** Instances in the cluster: what one machine of three cores' worth would run. */
const INSTANCES = 3

/** What the cluster's instances put on the bus per update they took, run by run (see `busMessagesPerUpdate`). */
export const clusterBusCounts: { updates: number; busMessages: number }[] = []

/**
 * Quire in the cluster mode: three instances on one PostgreSQL database and a Redis of the
 * run's own. Client n goes to instance n mod 3, so typists and readers sit on different
 * instances; the CPU figures are the three processes' together.
 */
class RunningCluster extends RunningServer {
  readonly members: RunningServer[]
  readonly #redis: ChildProcess

  constructor(kind: ServerKind, members: RunningServer[], redis: ChildProcess) {
    const [first] = members
    super(kind, first!.process, first!.port, first!.dataDir, () => first!.createDoc())
    this.members = members
    this.#redis = redis
  }

  override get pids(): number[] {
    return this.members.map(({ pid }) => pid)
  }

  override wsUrl(doc: DocRef, client = 0): string {
    return this.members[client % this.members.length]!.wsUrl(doc)
  }

  override async stop() {
    clusterBusCounts.push(await busCounts(this.members))
    const [exit] = await Promise.all(this.members.map((member) => member.stop()))
    this.#redis.kill('SIGKILL')
    return exit!
  }

  override async kill() {
    const [exit] = await Promise.all(this.members.map((member) => member.kill()))
    this.#redis.kill('SIGKILL')
    return exit!
  }
}

/** Updates taken from sockets, and update messages sent on the bus, over every instance. */
async function busCounts(members: RunningServer[]): Promise<{ updates: number; busMessages: number }> {
  let updates = 0
  let busMessages = 0
  for (const member of members) {
    const text = await (await fetch(`${member.httpUrl}/metrics`)).text()
    updates += Number(/^quire_updates_received_total (\d+)/m.exec(text)?.[1] ?? 0)
    busMessages += Number(/^quire_bus_messages_published_total\{kind="update",outcome="sent"\} (\d+)/m.exec(text)?.[1] ?? 0)
  }
  return { updates, busMessages }
}

async function startRedis(): Promise<{ process: ChildProcess; url: string }> {
  const port = await freePort()
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  const deadline = Date.now() + 10_000
  while (!(await accepts(port))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('redis-server did not start (is it installed?)')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { process: child, url: `redis://127.0.0.1:${port}` }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

export const quireCluster: ServerKind = {
  ...quireKind('quire-cluster', `Quire, ${INSTANCES} instances on PostgreSQL + Redis`, {}),
  async start(options: StartOptions): Promise<RunningServer> {
    const databaseUrl = await testDatabase(options.dataDir)
    const redis = await startRedis()
    const env = { STORE: 'postgres', DATABASE_URL: databaseUrl, REDIS_URL: redis.url }
    try {
      const instance = quireKind('quire-cluster', this.label, env)
      // The first makes the tables; the others find them.
      const first = await instance.start({ ...options, port: undefined })
      const others = await Promise.all(Array.from({ length: INSTANCES - 1 }, () => instance.start({ ...options, port: undefined })))
      return new RunningCluster(this, [first, ...others], redis.process)
    } catch (error) {
      redis.process.kill('SIGKILL')
      throw error
    }
  },
  cleanup: dropDatabases,
}
