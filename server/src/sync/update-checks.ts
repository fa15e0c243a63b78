/**
 * Checks on well-formed but hostile updates, made on the decoded update before it is stored.
 * Pure: they read the document, never change it.
 */
import * as Y from 'yjs'

export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>
type Id = { client: number; clock: number }

/** The end clock of each client's structs in the update. */
export function structEnds(decoded: DecodedUpdate): Map<number, number> {
  const ends = new Map<number, number>()
  for (const { id, length } of decoded.structs) ends.set(id.client, Math.max(ends.get(id.client) ?? 0, id.clock + length))
  return ends
}

/**
 * Whether the update needs something the document does not have, counting what `known`
 * says is already there or on its way: a gap in a client's clocks, an origin or parent that
 * does not exist, a deletion of unknown content. Yjs would keep such structs pending forever,
 * merge them again on every later update and send them along in every sync reply.
 */
export function hasMissingDependency(decoded: DecodedUpdate, known: (client: number) => number): boolean {
  const reach = new Map<number, number>()
  const has = (id: Id) => id.clock < (reach.get(id.client) ?? known(id.client))
  for (const struct of decoded.structs) {
    if (struct instanceof Y.Skip) return true
    const { client, clock } = struct.id
    const from = reach.get(client) ?? known(client)
    if (clock > from) return true
    reach.set(client, Math.max(from, clock + struct.length))
  }
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item)) continue
    if (struct.origin && !has(struct.origin)) return true
    if (struct.rightOrigin && !has(struct.rightOrigin)) return true
    if (isId(struct.parent) && !has(struct.parent)) return true
  }
  for (const [client, deletions] of decoded.ds.clients) {
    const end = reach.get(client) ?? known(client)
    if (deletions.some((deletion) => deletion.clock + deletion.len > end)) return true
  }
  return false
}

/**
 * Whether the update nests an element deeper than `maxDepth` below the document's root,
 * counting the ancestors it already has in `doc`. Yjs deletes and collects nested types
 * recursively, so unbounded nesting could overflow the stack.
 */
export function nestsDeeperThan(decoded: DecodedUpdate, doc: Y.Doc, maxDepth: number): boolean {
  const inUpdate = new Map<string, Y.Item>()
  for (const struct of decoded.structs) {
    if (struct instanceof Y.Item) inUpdate.set(key(struct.id), struct)
  }
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item) || !isId(struct.parent)) continue
    let depth = 1
    let parent: Id | null = struct.parent
    while (parent !== null) {
      if (++depth > maxDepth) return true
      const inThisUpdate = inUpdate.get(key(parent))
      if (inThisUpdate) {
        parent = isId(inThisUpdate.parent) ? inThisUpdate.parent : null
        continue
      }
      parent = parentInDoc(doc, parent)
    }
  }
  return false
}

/** The id of the item holding the parent type of the item `id` in `doc`, if it is nested. */
function parentInDoc(doc: Y.Doc, id: Id): Id | null {
  if (id.clock >= Y.getState(doc.store, id.client)) return null
  const item = Y.getItem(doc.store, Y.createID(id.client, id.clock))
  const parentType = item instanceof Y.Item ? (item.parent as Y.AbstractType<unknown> | null) : null
  return parentType?._item?.id ?? null
}

/** `update` without the structs of `clients` (their deletions of others' content stay). */
export function withoutClients(update: Uint8Array, clients: readonly number[]): Uint8Array {
  const everything = new Map(clients.map((client) => [client, Number.MAX_SAFE_INTEGER]))
  return Y.diffUpdate(update, Y.encodeStateVector(everything))
}

function isId(value: unknown): value is Id {
  return typeof value === 'object' && value !== null && 'client' in value && 'clock' in value
}

function key(id: Id): string {
  return `${id.client}:${id.clock}`
}
