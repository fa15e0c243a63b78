/**
 * What the server still expects from each peer's sync handshake: whether the peer owes a
 * sync step 2 (the answer to the state vector the server sent it), and which peers must be
 * asked again because structs they sent were dropped: another socket held their client ids.
 */
export class Handshakes<P> {
  /** Step 1s sent and not yet answered, per peer. */
  readonly #owingStep2 = new Map<P, number>()
  /** Owner → the peers whose step 2 had structs dropped because the owner held their ids. */
  readonly #askAfter = new Map<P, Set<P>>()

  /** The server sent `peer` its state vector; a step 2 will answer. */
  asked(peer: P): void {
    this.#owingStep2.set(peer, (this.#owingStep2.get(peer) ?? 0) + 1)
  }

  answered(peer: P): void {
    const owed = (this.#owingStep2.get(peer) ?? 0) - 1
    if (owed > 0) this.#owingStep2.set(peer, owed)
    else this.#owingStep2.delete(peer)
  }

  /** Whether `peer` still owes a step 2: updates it sends meanwhile may run ahead of it. */
  owesStep2(peer: P): boolean {
    return this.#owingStep2.has(peer)
  }

  /**
   * Whether the server will hear again what `peer` has: it owes a step 2, or will be asked
   * again once an owner leaves. An update of it that runs ahead of that answer can wait for it.
   */
  willResend(peer: P): boolean {
    if (this.#owingStep2.has(peer)) return true
    for (const waiting of this.#askAfter.values()) if (waiting.has(peer)) return true
    return false
  }

  /** `peer`'s structs were dropped because `owner` held their client ids. */
  lostTo(owner: P, peer: P): void {
    let waiting = this.#askAfter.get(owner)
    if (!waiting) this.#askAfter.set(owner, (waiting = new Set()))
    waiting.add(peer)
  }

  /** Forgets `peer`; returns the peers that lost structs to it, to be asked again. */
  left(peer: P): P[] {
    this.#owingStep2.delete(peer)
    for (const waiting of this.#askAfter.values()) waiting.delete(peer)
    const waiting = this.#askAfter.get(peer)
    this.#askAfter.delete(peer)
    return waiting ? [...waiting] : []
  }
}
