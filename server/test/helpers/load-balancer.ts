import { connect, createServer, type Server, type Socket } from 'node:net'

/**
 * An ordinary TCP load balancer, as operators put in front of a cluster: each new connection
 * goes to the next backend in turn (no stickiness), and a backend taken out gets no new ones.
 */
export class LoadBalancer {
  readonly #listener: Server
  readonly #backends: { port: number; in: boolean; sockets: Set<Socket> }[]
  #next = 0

  private constructor(listener: Server, ports: number[]) {
    this.#listener = listener
    this.#backends = ports.map((port) => ({ port, in: true, sockets: new Set() }))
  }

  static async start(ports: number[]): Promise<LoadBalancer> {
    const listener = createServer((client) => balancer.#accept(client))
    const balancer = new LoadBalancer(listener, ports)
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
    return balancer
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#listener.address() as { port: number }).port}`
  }

  get collabUrl(): string {
    return `${this.url.replace('http', 'ws')}/collab`
  }

  /** Backend `index` gets no new connections; its open ones stay (the backend closes them, or dies). */
  takeOut(index: number): void {
    this.#backends[index]!.in = false
  }

  putBack(index: number): void {
    this.#backends[index]!.in = true
  }

  #accept(client: Socket): void {
    const candidates = this.#backends.filter((backend) => backend.in)
    if (candidates.length === 0) {
      client.destroy()
      return
    }
    const backend = candidates[this.#next++ % candidates.length]!
    const server = connect(backend.port, '127.0.0.1')
    client.pipe(server).pipe(client)
    backend.sockets.add(server)
    const drop = () => {
      backend.sockets.delete(server)
      client.destroy()
      server.destroy()
    }
    client.on('error', drop).on('close', drop)
    server.on('error', drop).on('close', drop)
  }

  async close(): Promise<void> {
    for (const backend of this.#backends) for (const socket of backend.sockets) socket.destroy()
    await new Promise((resolve) => this.#listener.close(resolve))
  }
}
