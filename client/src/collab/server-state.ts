import * as Y from 'yjs'

/**
 * What the server is known to hold of a document, learned only from what the server itself
 * sent: its state vector (sync step 1) and its updates (sync step 2 and relayed updates).
 * The server's copy only ever grows, so what we learned stays true.
 *
 * Content is tracked twice: inserted items by state vector, deletions by delete set (a
 * deletion adds no item, so a state vector cannot see it).
 */
export class ServerState {
  readonly #clocks = new Map<number, number>()
  #deleted = Y.createDeleteSet()

  /** From the server's sync step 1: everything it holds, by client. */
  learnStateVector(stateVector: Uint8Array): void {
    for (const [client, clock] of Y.decodeStateVector(stateVector)) this.#raise(client, clock)
  }

  /**
   * From an update the server sent: the server holds every item below its end clocks (it
   * only ever sends integrated content), and the deletions in it.
   */
  learnUpdate(update: Uint8Array): void {
    const { structs, ds } = Y.decodeUpdate(update)
    for (const struct of structs) {
      // A Skip marks a gap: that range is not in the update.
      if (!(struct instanceof Y.Skip)) this.#raise(struct.id.client, struct.id.clock + struct.length)
    }
    if (ds.clients.size > 0) this.#deleted = Y.mergeDeleteSets([this.#deleted, ds])
  }

  /** The state vector to ask the server with: what we know it has, capped at what we have. */
  probeVector(doc: Y.Doc): Map<number, number> {
    const vector = new Map<number, number>()
    for (const [client, clock] of stateVectorOf(doc)) {
      const known = this.#clocks.get(client) ?? 0
      if (known > 0) vector.set(client, Math.min(clock, known))
    }
    return vector
  }

  /** True when everything in `doc` is known to be on the server: every item and every deletion. */
  holdsAllOf(doc: Y.Doc): boolean {
    for (const [client, clock] of stateVectorOf(doc)) {
      if ((this.#clocks.get(client) ?? 0) < clock) return false
    }
    const local = Y.createDeleteSetFromStructStore(doc.store)
    for (const [client, ranges] of local.clients) {
      if (!rangesCover(this.#deleted.clients.get(client) ?? [], ranges)) return false
    }
    return true
  }

  #raise(client: number, clock: number): void {
    if ((this.#clocks.get(client) ?? 0) < clock) this.#clocks.set(client, clock)
  }
}

function stateVectorOf(doc: Y.Doc): Map<number, number> {
  return Y.decodeStateVector(Y.encodeStateVector(doc))
}

interface Range {
  clock: number
  len: number
}

/** Whether the sorted, merged ranges `known` contain every clock of the sorted ranges `wanted`. */
export function rangesCover(known: readonly Range[], wanted: readonly Range[]): boolean {
  let k = 0
  for (const range of wanted) {
    const end = range.clock + range.len
    while (k < known.length && known[k]!.clock + known[k]!.len <= range.clock) k++
    const candidate = known[k]
    if (!candidate || candidate.clock > range.clock || candidate.clock + candidate.len < end) return false
  }
  return true
}
