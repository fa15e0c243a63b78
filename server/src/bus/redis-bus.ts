import { Redis } from 'ioredis'
import type { Log } from '../logger.js'
import type { Count, Counts } from '../access/counts.js'
import type { Bus, BusListener, BusMessage, DistributiveOmit } from './bus.js'
import { decodeBusMessage, encodeBusMessage } from './bus-codec.js'

const DOC_CHANNEL = 'quire:doc:'
/** Rotations, deletions and heartbeats: every instance hears them. */
const ALL_CHANNEL = 'quire:all'
const LEASE_KEY = 'quire:lease:'
const COUNT_KEY = 'quire:count:'

export interface RedisBusOptions {
  url: string
  instance: string
  log: Log
}

/**
 * The bus on Redis pub/sub: a channel per document that some instance holds open, one for
 * everyone. Two connections (a subscribed one can only listen); both reconnect by themselves,
 * and while they are down nothing queues: a message that cannot be sent is dropped (the rooms'
 * head checks cover it), and the instances fall back to polling PostgreSQL.
 */
export class RedisBus implements Bus, Counts {
  readonly instance: string
  /** The connection that publishes: also what shared rate limits count with. */
  readonly client: Redis
  readonly #subscriber: Redis
  readonly #options: RedisBusOptions
  readonly #followed = new Set<string>()
  readonly #connectionListeners: ((connected: boolean) => void)[] = []
  #listener: BusListener | undefined
  #connected = false

  constructor(options: RedisBusOptions) {
    this.instance = options.instance
    this.#options = options
    const connect = {
      lazyConnect: true,
      // Nothing waits in a queue while Redis is away: the caller hears at once.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      retryStrategy: (times: number) => Math.min(100 * times, 2_000),
    }
    this.client = new Redis(options.url, connect)
    this.#subscriber = new Redis(options.url, { ...connect, autoResubscribe: false })
    for (const redis of [this.client, this.#subscriber]) {
      redis.on('error', (error: Error) => options.log.debug({ err: error }, 'Redis connection error'))
      redis.on('ready', () => this.#statusChanged())
      redis.on('close', () => this.#statusChanged())
    }
    this.#subscriber.on('ready', () => void this.#resubscribe())
    this.#subscriber.on('messageBuffer', (_channel: Buffer, bytes: Buffer) => this.#received(bytes))
  }

  get connected(): boolean {
    return this.#connected
  }

  onConnection(listener: (connected: boolean) => void): void {
    this.#connectionListeners.push(listener)
  }

  async start(listener: BusListener): Promise<void> {
    this.#listener = listener
    // Started even when Redis is down: the instance serves, polling, until it is back.
    await Promise.all([this.client.connect(), this.#subscriber.connect()]).catch((error: unknown) =>
      this.#options.log.warn({ err: error }, 'Redis is unreachable; relaying through PostgreSQL until it is back'),
    )
  }

  follow(doc: string): void {
    if (this.#followed.has(doc)) return
    this.#followed.add(doc)
    this.#subscriber.subscribe(DOC_CHANNEL + doc).catch(() => undefined)
  }

  unfollow(doc: string): void {
    if (!this.#followed.delete(doc)) return
    this.#subscriber.unsubscribe(DOC_CHANNEL + doc).catch(() => undefined)
  }

  publish(message: DistributiveOmit<BusMessage, 'from'>): boolean {
    if (!this.#connected) return false
    const channel = message.kind === 'update' || message.kind === 'presence' ? DOC_CHANNEL + message.doc : ALL_CHANNEL
    const bytes = Buffer.from(encodeBusMessage({ ...message, from: this.instance } as BusMessage))
    this.client.publish(channel, bytes).catch((error: unknown) => this.#options.log.debug({ err: error }, 'a bus message was lost'))
    return true
  }

  async lease(name: string, ms: number): Promise<boolean> {
    const key = LEASE_KEY + name
    try {
      if ((await this.client.set(key, this.instance, 'PX', ms, 'NX')) === 'OK') return true
      if ((await this.client.get(key)) !== this.instance) return false
      await this.client.pexpire(key, ms)
      return true
    } catch {
      // Redis is away: every instance does the work, as a lone one would (done twice, never lost).
      return true
    }
  }

  /** Counters every instance shares (rate limits): the window starts with the first count. */
  async add(key: string, windowMs: number): Promise<Count> {
    const name = COUNT_KEY + key
    return countOf(await this.client.multi().incr(name).pexpire(name, windowMs, 'NX').pttl(name).exec(), 2)
  }

  async read(key: string): Promise<Count> {
    const name = COUNT_KEY + key
    return countOf(await this.client.multi().get(name).pttl(name).exec(), 1)
  }

  async close(): Promise<void> {
    this.#listener = undefined
    await Promise.all([this.client.quit().catch(() => this.client.disconnect()), this.#subscriber.quit().catch(() => this.#subscriber.disconnect())])
  }

  async #resubscribe(): Promise<void> {
    // After a reconnection too: the channels it followed, and the one for everyone.
    await this.#subscriber.subscribe(ALL_CHANNEL, ...[...this.#followed].map((doc) => DOC_CHANNEL + doc)).catch(() => undefined)
  }

  #received(bytes: Buffer): void {
    let message: BusMessage
    try {
      message = decodeBusMessage(bytes)
    } catch (error) {
      this.#options.log.warn({ err: error }, 'an unreadable bus message was ignored')
      return
    }
    if (message.from === this.instance) return
    this.#listener?.(message)
  }

  #statusChanged(): void {
    const connected = this.client.status === 'ready' && this.#subscriber.status === 'ready'
    if (connected === this.#connected) return
    this.#connected = connected
    for (const listener of this.#connectionListeners) listener(connected)
  }
}

/** A transaction's replies, [error, value] each: the count first, the PTTL at `ttlAt`. */
function countOf(replies: [Error | null, unknown][] | null, ttlAt: number): Count {
  const failed = replies?.find(([error]) => error)
  if (!replies || failed) throw failed?.[0] ?? new Error('the Redis transaction was aborted')
  return { count: Number(replies[0]![1] ?? 0), msLeft: Math.max(0, Number(replies[ttlAt]![1])) }
}
