import type { AwarenessEntry } from '@quire/shared'

const NULL_STATE = 'null'
/** Client ids of other instances held per document at most: a runaway instance cannot grow memory. */
const MAX_REMOTE_STATES = 10_000

/**
 * The presence states of one document's people on other instances, as their instances relayed
 * them (each instance enforced ownership for its own sockets). The newest clock of a client id
 * wins; an instance that stops beating takes its people's states with it.
 */
export class RemotePresence {
  readonly #states = new Map<number, { from: string; clock: number; state: string }>()

  /** Takes another instance's entries; returns the ones that change what is known. */
  apply(entries: readonly AwarenessEntry[], from: string, localClock: (clientId: number) => number | undefined): AwarenessEntry[] {
    const accepted: AwarenessEntry[] = []
    for (const entry of entries) {
      const { clientId, clock, state } = entry
      const held = this.#states.get(clientId)?.clock ?? localClock(clientId)
      const newer = held === undefined || clock > held || (clock === held && state === NULL_STATE)
      if (!newer) continue
      if (state === NULL_STATE) {
        if (!this.#states.delete(clientId) && held === undefined) continue
      } else {
        if (!this.#states.has(clientId) && this.#states.size >= MAX_REMOTE_STATES) continue
        this.#states.set(clientId, { from, clock, state })
      }
      accepted.push(entry)
    }
    return accepted
  }

  /** An instance is gone: the removals of every state it relayed. */
  dropInstance(from: string): AwarenessEntry[] {
    const removals: AwarenessEntry[] = []
    for (const [clientId, { from: owner, clock }] of this.#states) {
      if (owner !== from) continue
      this.#states.delete(clientId)
      removals.push({ clientId, clock: clock + 1, state: NULL_STATE })
    }
    return removals
  }

  /** Every state held, for a joiner's snapshot. */
  snapshot(): AwarenessEntry[] {
    return [...this.#states].map(([clientId, { clock, state }]) => ({ clientId, clock, state }))
  }

  get size(): number {
    return this.#states.size
  }
}
