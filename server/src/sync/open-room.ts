import { VersionKeeper } from '../versions/version-keeper.js'
import { Room } from './room.js'
import type { RoomsOptions } from './rooms.js'

/** The document has no metadata (it never existed, or it was deleted). */
export class DocumentMissingError extends Error {
  override name = 'DocumentMissingError'
  constructor(id: string) {
    super(`document ${id} does not exist`)
  }
}

/**
 * A document's room, built from what the store holds of it, with its version keeper beside it
 * and the cluster told of what it writes; the epoch its metadata had.
 */
export async function openRoom(id: string, options: RoomsOptions): Promise<{ room: Room; versions: VersionKeeper; epoch: number }> {
  const { store, writer, limits, versions: policy, log, events, cluster } = options
  // Both at once: a cold store answers each read from another thread.
  const [meta, stored] = await Promise.all([store.getMeta(id), store.loadDoc(id)])
  if (!meta) throw new DocumentMissingError(id)
  const room = new Room(id, stored, {
    store,
    writer,
    limits,
    log,
    events,
    onChange: (authors) => versions.changed(authors),
    onWritten: cluster && ((seq, updates, author) => cluster.written(id, seq, updates, author)),
    onPresence: cluster && ((entries) => cluster.presence(id, entries)),
  })
  const versions = new VersionKeeper(id, () => room.doc, store, { ...policy, keepsVersions: cluster && (() => cluster.keepsVersions(id)) }, log)
  return { room, versions, epoch: meta.epoch }
}
