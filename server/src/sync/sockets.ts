import type { CloseCode } from '@quire/shared'
import type { Connection } from './connection.js'

/** At shutdown, how long a closing socket has to answer before it is dropped. */
const SHUTDOWN_HANDSHAKE_MS = 1_000

/**
 * Every open collab socket: the per-address bound, and one heartbeat for all of them that
 * reaps sockets whose peer stopped answering pings.
 */
export class Sockets {
  readonly #open = new Map<Connection, string>()
  readonly #perAddress = new Map<string, number>()
  readonly #maxPerAddress: number
  readonly #heartbeat: NodeJS.Timeout
  #draining = false

  constructor(maxPerAddress: number, pingIntervalMs: number) {
    this.#maxPerAddress = maxPerAddress
    this.#heartbeat = setInterval(() => {
      for (const connection of this.#open.keys()) connection.heartbeat()
    }, pingIntervalMs)
    this.#heartbeat.unref()
  }

  /** Registers a socket, unless its address already holds as many as it may. */
  admit(connection: Connection, address: string): boolean {
    const count = this.#perAddress.get(address) ?? 0
    if (count >= this.#maxPerAddress) return false
    this.#perAddress.set(address, count + 1)
    this.#open.set(connection, address)
    return true
  }

  remove(connection: Connection): void {
    const address = this.#open.get(connection)
    if (address === undefined) return
    this.#open.delete(connection)
    const count = (this.#perAddress.get(address) ?? 1) - 1
    if (count === 0) this.#perAddress.delete(address)
    else this.#perAddress.set(address, count)
  }

  get size(): number {
    return this.#open.size
  }

  /** Sockets the server has begun to close, whose closing handshake is not over. */
  get closing(): number {
    let closing = 0
    for (const connection of this.#open.keys()) if (!connection.isOpen) closing++
    return closing
  }

  /** Counts of open sockets by role. */
  countByRole(): Record<string, number> {
    const counts: Record<string, number> = {}
    for (const connection of this.#open.keys()) counts[connection.role] = (counts[connection.role] ?? 0) + 1
    return counts
  }

  /** Whether the server is shutting down: a socket that opens now must be closed too. */
  get draining(): boolean {
    return this.#draining
  }

  /** At shutdown: closes every socket, and every socket that opens from now on. */
  drain(code: CloseCode): void {
    this.#draining = true
    this.closeAll(code)
  }

  /** Closes every socket; those that do not finish the closing handshake soon are dropped. */
  closeAll(code: CloseCode): void {
    for (const connection of this.#open.keys()) {
      connection.close(code)
      setTimeout(() => connection.terminate(), SHUTDOWN_HANDSHAKE_MS).unref()
    }
  }

  stop(): void {
    clearInterval(this.#heartbeat)
  }
}
