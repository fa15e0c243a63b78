/** What the soak's verdict compares: documents as the disk, the server and the clients hold them. */
import { join } from 'node:path'
import * as Y from 'yjs'
import { createLogger } from '../../server/src/logger.js'
import { LevelStore } from '../../server/src/storage/level-store.js'
import { applyStored } from '../../server/src/sync/doc-fields.js'

/**
 * Whether `doc` holds everything `acked` holds, deletions included: merging `acked` into a
 * copy of `doc` leaves its snapshot (state vector and delete set) as it was.
 */
export function holdsAll(doc: Y.Doc, acked: Y.Doc): boolean {
  const merged = new Y.Doc({ gc: false })
  try {
    Y.applyUpdate(merged, Y.encodeStateAsUpdate(doc))
    const before = Y.snapshot(merged)
    Y.applyUpdate(merged, Y.encodeStateAsUpdate(acked))
    return Y.equalSnapshots(before, Y.snapshot(merged))
  } finally {
    merged.destroy()
  }
}

/** Whether two documents hold the same state. */
export function sameState(a: Y.Doc, b: Y.Doc): boolean {
  return holdsAll(a, b) && holdsAll(b, a)
}

/**
 * Opens the LevelDB files a stopped (or killed) server left and reads every document in
 * `ids`: they must open, and hold what clients were shown.
 */
export async function readStore(dataDir: string, ids: readonly string[]): Promise<Map<string, Y.Doc>> {
  const store = new LevelStore(join(dataDir, 'db'), { syncWrites: false, log: createLogger('silent') })
  await store.open()
  try {
    const docs = new Map<string, Y.Doc>()
    for (const id of ids) {
      const doc = new Y.Doc()
      applyStored(doc, await store.loadDoc(id), 'load', (seq, error) => {
        throw new Error(`document ${id}: log entry ${seq} does not apply: ${String(error)}`)
      })
      docs.set(id, doc)
    }
    return docs
  } finally {
    await store.close()
  }
}
