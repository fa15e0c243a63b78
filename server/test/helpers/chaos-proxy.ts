import { createServer, connect, type Server, type Socket } from 'node:net'

/** Bytes held back until `at` (ms since the epoch); one queue per direction keeps their order. */
interface Held {
  chunk: Buffer
  at: number
}

/** One direction of a proxied connection, delayed by the proxy's current delay. */
class DelayedPipe {
  readonly #to: Socket
  readonly #delay: () => number
  #queue: Held[] = []
  #timer: NodeJS.Timeout | undefined

  constructor(from: Socket, to: Socket, delay: () => number) {
    this.#to = to
    this.#delay = delay
    from.on('data', (chunk: Buffer) => this.#push(chunk))
  }

  #push(chunk: Buffer): void {
    const delay = this.#delay()
    if (delay === 0 && this.#queue.length === 0) {
      this.#to.write(chunk)
      return
    }
    const at = Math.max(Date.now() + delay, this.#queue.at(-1)?.at ?? 0)
    this.#queue.push({ chunk, at })
    this.#schedule()
  }

  #schedule(): void {
    if (this.#timer || this.#queue.length === 0) return
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined
        while (this.#queue.length > 0 && this.#queue[0]!.at <= Date.now()) this.#to.write(this.#queue.shift()!.chunk)
        this.#schedule()
      },
      Math.max(0, this.#queue[0]!.at - Date.now()),
    )
  }

  stop(): void {
    clearTimeout(this.#timer)
    this.#queue = []
  }
}

interface Link {
  client: Socket
  server: Socket
  pipes: DelayedPipe[]
}

/** How long a stranded server side stays open at most; the server's heartbeat reaps it sooner. */
const STRANDED_MS = 10_000

/**
 * A TCP proxy on loopback between one client and the server, to make the network misbehave:
 * it delays bytes (in order), cuts connections, and strands them (the client side drops while
 * the server keeps a silent socket, as when a laptop leaves the network).
 */
export class ChaosProxy {
  readonly #listener: Server
  readonly #target: number
  readonly #links = new Set<Link>()
  readonly #stranded = new Set<Socket>()
  delayMs = 0
  /** While set, every new connection is dropped at once: the server behind looks down. */
  refusing = false

  private constructor(listener: Server, target: number) {
    this.#listener = listener
    this.#target = target
  }

  static async start(targetPort: number): Promise<ChaosProxy> {
    const listener = createServer((client) => proxy.#accept(client))
    const proxy = new ChaosProxy(listener, targetPort)
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
    return proxy
  }

  get port(): number {
    return (this.#listener.address() as { port: number }).port
  }

  #accept(client: Socket): void {
    if (this.refusing) {
      client.destroy()
      return
    }
    const server = connect(this.#target, '127.0.0.1')
    const link: Link = { client, server, pipes: [] }
    link.pipes.push(new DelayedPipe(client, server, () => this.delayMs), new DelayedPipe(server, client, () => this.delayMs))
    this.#links.add(link)
    const drop = () => this.#drop(link)
    for (const socket of [client, server]) {
      socket.on('error', drop)
      socket.on('close', drop)
    }
  }

  #drop(link: Link): void {
    if (!this.#links.delete(link)) return
    for (const pipe of link.pipes) pipe.stop()
    link.client.destroy()
    link.server.destroy()
  }

  /** Drops every connection at once, both sides, without a closing handshake. */
  cut(): void {
    for (const link of [...this.#links]) this.#drop(link)
  }

  /** Drops the client sides; the server sides stay open and silent until the server gives up. */
  strand(): void {
    for (const link of [...this.#links]) {
      this.#links.delete(link)
      for (const pipe of link.pipes) pipe.stop()
      link.client.destroy()
      link.server.removeAllListeners('data')
      link.server.on('data', () => {})
      this.#stranded.add(link.server)
      link.server.on('close', () => this.#stranded.delete(link.server))
      setTimeout(() => link.server.destroy(), STRANDED_MS).unref()
    }
  }

  async close(): Promise<void> {
    this.cut()
    for (const socket of this.#stranded) socket.destroy()
    await new Promise((resolve) => this.#listener.close(resolve))
  }
}
