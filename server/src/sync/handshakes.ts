/**
 * What the server still expects from each peer's sync handshake: which peers must be asked
 * again because their step 2 lost structs to another socket that held their client ids.
 */
export class Handshakes<P> {
  /** Owner → the peers whose step 2 had structs dropped because the owner held their ids. */
  readonly #askAfter = new Map<P, Set<P>>()

  /** `peer`'s step 2 lost structs because `owner` held their client ids. */
  lostTo(owner: P, peer: P): void {
    let waiting = this.#askAfter.get(owner)
    if (!waiting) this.#askAfter.set(owner, (waiting = new Set()))
    waiting.add(peer)
  }

  /** Forgets `peer`; returns the peers that lost structs to it, to be asked again. */
  left(peer: P): P[] {
    for (const waiting of this.#askAfter.values()) waiting.delete(peer)
    const waiting = this.#askAfter.get(peer)
    this.#askAfter.delete(peer)
    return waiting ? [...waiting] : []
  }
}
