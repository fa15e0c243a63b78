/**
 * Whether an update changes nothing but the comments: the check that lets a comment-role socket
 * write. Every struct it inserts must sit in the comments' root map (by its parent, or by the
 * neighbour it was inserted next to, whose parent it shares), and everything it deletes must be
 * there too. Pure: it reads the document, never changes it.
 *
 * Cost: each struct of the update and each item its deletions cover is looked at once, and a
 * type's place (in the comments or not) is worked out once per check, so the work grows with
 * the update and the items it deletes, and stops at `maxItems`.
 */
import * as Y from 'yjs'
import { COMMENTS_FIELD } from '@quire/shared/comments'
import type { DecodedUpdate } from './update-checks.js'

type Id = { client: number; clock: number }

/**
 * `inside`: only the comments change. `outside`: something else would (or the update is too
 * large to tell). `unknown`: it builds on content still being written, whose place is not known yet.
 */
export type CommentScope = 'inside' | 'outside' | 'unknown'

export interface ScopeContext {
  doc: Y.Doc
  /** Whether `id` is in content this peer wrote in the comments that is still being written. */
  pendingInComments(id: Id): boolean
  /** Most items the update may insert and delete together. */
  maxItems: number
}

export function commentScope(decoded: DecodedUpdate, { doc, pendingInComments, maxItems }: ScopeContext): CommentScope {
  const store = doc.store
  const root = doc.share.get(COMMENTS_FIELD)
  const byClient = new Map<number, (Y.Item | Y.GC)[]>()
  for (const struct of decoded.structs) {
    if (struct instanceof Y.Skip) return 'outside'
    const list = byClient.get(struct.id.client) ?? []
    list.push(struct)
    byClient.set(struct.id.client, list)
  }
  let budget = maxItems
  const typeScopes = new Map<Y.AbstractType<unknown>, CommentScope>()
  const itemScopes = new Map<Y.Item, CommentScope>()

  /** Where a type of the document is: under the comments' root, or elsewhere. */
  const ofType = (type: Y.AbstractType<unknown>): CommentScope => {
    const known = typeScopes.get(type)
    if (known) return known
    let top = type
    while (top._item !== null) top = top._item.parent as Y.AbstractType<unknown>
    const scope = top === root ? 'inside' : 'outside'
    typeScopes.set(type, scope)
    return scope
  }

  /** A struct of the update, among the update's own structs. */
  const inUpdate = (id: Id): Y.Item | Y.GC | undefined => {
    const list = byClient.get(id.client)
    if (!list) return undefined
    let low = 0
    let high = list.length - 1
    while (low <= high) {
      const middle = (low + high) >> 1
      const struct = list[middle]!
      if (id.clock < struct.id.clock) high = middle - 1
      else if (id.clock >= struct.id.clock + struct.length) low = middle + 1
      else return struct
    }
    return undefined
  }

  /** Where the content `id` names is: the type it is in, for an item; a GC'd struct makes its neighbours vanish too. */
  const ofId = (id: Id, visiting: Set<Y.Item>): CommentScope => {
    const own = inUpdate(id)
    if (own) return own instanceof Y.Item ? ofUpdateItem(own, visiting) : 'inside'
    if (id.clock < Y.getState(store, id.client)) {
      const struct = Y.getItem(store, Y.createID(id.client, id.clock))
      return struct instanceof Y.Item ? ofType(struct.parent as Y.AbstractType<unknown>) : 'inside'
    }
    return pendingInComments(id) ? 'inside' : 'unknown'
  }

  /** Where the type is that the item with id `id` holds (the parent named by an inserted item). */
  const ofParentId = (id: Id, visiting: Set<Y.Item>): CommentScope => {
    const own = inUpdate(id)
    if (own) return own instanceof Y.Item && own.content instanceof Y.ContentType ? ofUpdateItem(own, visiting) : 'outside'
    if (id.clock < Y.getState(store, id.client)) {
      const struct = Y.getItem(store, Y.createID(id.client, id.clock))
      if (!(struct instanceof Y.Item)) return 'inside'
      return struct.content instanceof Y.ContentType ? ofType(struct.content.type) : 'outside'
    }
    return pendingInComments(id) ? 'inside' : 'unknown'
  }

  /** Where an item of the update goes: its parent, else the parent of a neighbour. */
  const ofUpdateItem = (item: Y.Item, visiting: Set<Y.Item>): CommentScope => {
    const known = itemScopes.get(item)
    if (known) return known
    // A cycle of origins can never be integrated: it is no comment.
    if (visiting.has(item)) return 'outside'
    visiting.add(item)
    const parent = item.parent as unknown
    const neighbour = item.origin ?? item.rightOrigin
    const scope =
      typeof parent === 'string'
        ? parent === COMMENTS_FIELD
          ? 'inside'
          : 'outside'
        : isId(parent)
          ? ofParentId(parent, visiting)
          : neighbour
            ? ofId(neighbour, visiting)
            : 'outside'
    itemScopes.set(item, scope)
    return scope
  }

  let unknown = false
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item)) continue
    // Already in the document: Yjs skips it (a sync step 2 may carry what others wrote).
    if (struct.id.clock + struct.length <= Y.getState(store, struct.id.client)) continue
    if (--budget < 0) return 'outside'
    const scope = ofUpdateItem(struct, new Set())
    if (scope === 'outside') return 'outside'
    if (scope === 'unknown') unknown = true
  }
  for (const [client, deletions] of decoded.ds.clients) {
    const structs = store.clients.get(client) ?? []
    const stored = Y.getState(store, client)
    for (const { clock, len } of deletions) {
      const end = clock + len
      // What the document holds of the range.
      if (clock < stored) {
        for (let index = Y.findIndexSS(structs, clock); index < structs.length && structs[index]!.id.clock < end; index++) {
          const struct = structs[index]!
          // Deleted already, by whoever: a sync step 2 carries the sender's whole delete set.
          // Passing over those is bounded by the document's size; the rest count.
          if (struct.deleted) continue
          if (--budget < 0) return 'outside'
          if (struct instanceof Y.Item && ofType(struct.parent as Y.AbstractType<unknown>) === 'outside') return 'outside'
        }
      }
      // What the update itself, or this peer's writes on their way, hold of the rest.
      for (let at = Math.max(clock, stored); at < end;) {
        if (--budget < 0) return 'outside'
        const own = inUpdate({ client, clock: at })
        if (own) {
          if (own instanceof Y.Item && ofUpdateItem(own, new Set()) === 'outside') return 'outside'
          at = own.id.clock + own.length
        } else if (pendingInComments({ client, clock: at }) && pendingInComments({ client, clock: end - 1 })) {
          break
        } else {
          unknown = true
          break
        }
      }
    }
  }
  return unknown ? 'unknown' : 'inside'
}

function isId(value: unknown): value is Id {
  return typeof value === 'object' && value !== null && 'client' in value && 'clock' in value
}
