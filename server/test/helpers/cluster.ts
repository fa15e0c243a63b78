import pino from 'pino'
import * as Y from 'yjs'
import { PgStore } from '../../src/storage/pg-store.js'
import { startChildServer, type ChildServer } from './child-server.js'
import { tempDataDir } from './homes.js'
import { LoadBalancer } from './load-balancer.js'
import { createTestDatabase, type TestDatabase } from './postgres.js'
import { PrivateRedis } from './redis.js'
import { freePort } from './server.js'

/**
 * Quire in the cluster mode, as an operator runs it: `size` server processes on one PostgreSQL
 * database of the test's own, a Redis of the test's own (it may be killed), and a TCP load
 * balancer in front that spreads connections over them without stickiness.
 */
export class TestCluster {
  readonly database: TestDatabase
  readonly redis: PrivateRedis
  readonly balancer: LoadBalancer
  readonly instances: ChildServer[]
  readonly #env: Record<string, string>[]

  private constructor(database: TestDatabase, redis: PrivateRedis, balancer: LoadBalancer, instances: ChildServer[], env: Record<string, string>[]) {
    this.database = database
    this.redis = redis
    this.balancer = balancer
    this.instances = instances
    this.#env = env
  }

  static async start(size: number, env: Record<string, string> = {}): Promise<TestCluster> {
    const [database, redis] = await Promise.all([createTestDatabase(), PrivateRedis.start()])
    const envs: Record<string, string>[] = []
    for (let i = 0; i < size; i++) {
      envs.push({
        STORE: 'postgres',
        DATABASE_URL: database.url,
        REDIS_URL: redis.url,
        DATA_DIR: await tempDataDir(),
        PORT: String(await freePort()),
        CREATE_RATE_PER_MINUTE: '10000',
        HEAD_CHECK_MS: '500',
        INSTANCE_TTL_MS: '3000',
        ...env,
      })
    }
    // The first one makes the tables and the secret; the others start together.
    const first = await startChildServer(envs[0]!)
    const others = await Promise.all(envs.slice(1).map((instanceEnv) => startChildServer(instanceEnv)))
    const instances = [first, ...others]
    const balancer = await LoadBalancer.start(envs.map(({ PORT }) => Number(PORT)))
    return new TestCluster(database, redis, balancer, instances, envs)
  }

  /** Instance `index`'s own collaboration URL, past the balancer. */
  collabUrl(index: number): string {
    return this.instances[index]!.collabUrl
  }

  url(index: number): string {
    return this.instances[index]!.url
  }

  /** Kills instance `index` with `signal` and waits for it to exit; the balancer stops sending it sockets. */
  async stop(index: number, signal: 'SIGKILL' | 'SIGTERM'): Promise<number | string> {
    this.balancer.takeOut(index)
    const instance = this.instances[index]!
    instance.process.kill(signal)
    return instance.exited
  }

  /** Starts instance `index` again, on its port, and puts it back behind the balancer. */
  async restart(index: number): Promise<void> {
    this.instances[index] = await startChildServer(this.#env[index]!)
    this.balancer.putBack(index)
  }

  /** The document as a fresh load from PostgreSQL finds it: base and log, read by no instance. */
  async stored(docId: string): Promise<Y.Doc> {
    const store = new PgStore(this.database.url, { syncWrites: false, poolSize: 1, statementTimeoutMs: 10_000, log: pino({ level: 'silent' }) })
    await store.open()
    try {
      const { base, log } = await store.loadDoc(docId)
      const doc = new Y.Doc()
      if (base) Y.applyUpdate(doc, base)
      for (const { update } of log) Y.applyUpdate(doc, update)
      return doc
    } finally {
      await store.close()
    }
  }

  async close(): Promise<void> {
    await this.balancer.close()
    for (const instance of this.instances) if (instance.process.exitCode === null) instance.process.kill('SIGKILL')
    await Promise.all(this.instances.map(({ exited }) => exited))
    await this.redis.stop()
    await this.database.drop()
  }
}
