/** A running server the container checks talk to: the image in podman, or its stand-in on the host. */
import { createServer } from 'node:net'

export interface Target {
  /** What runs, for the log. */
  describe: string
  /** Runs the image's HEALTHCHECK now. */
  healthcheck(): Promise<{ ok: boolean; detail: string }>
  /** The user id the server process runs as. */
  serverUid(): Promise<number>
  /** The owner of the store it wrote. */
  dataOwnerUid(): Promise<number>
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number>
  logs(): Promise<string>
  /** Ends it if it still runs and removes what it left (never its data volume). */
  remove(): Promise<void>
}

export interface Started {
  /** Where the server answers, on loopback. */
  url: string
  target: Target
}

/** A port nobody listens on right now, on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}
