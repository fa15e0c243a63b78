import * as Y from 'yjs'
import type { ExportFormat } from '@quire/shared'
import type { DocumentFormats, Exported } from '../export/formats.js'
import { collectFiles } from '../files/file-references.js'
import type { DocStore } from '../storage/doc-store.js'
import { applyStored, foldStored, Origin, readTitle } from '../sync/doc-fields.js'
import { filesForExport } from '../files/document-files.js'

/** The tasks an operator runs on a store directly, while no server has it open. */

/**
 * Folds every document's log into its base; returns how many had a log to fold. `onDocument`
 * hears of each document looked at. With `fileGraceMs`, also removes files that are older than
 * that and that no state of the document refers to.
 */
export async function compactStore(store: DocStore, onDocument = () => {}, fileGraceMs = Infinity): Promise<number> {
  let compacted = 0
  for await (const { id } of store.listDocs()) {
    const stored = await store.loadDoc(id)
    onDocument()
    const { state, title } = foldStored(stored)
    // Files no state refers to any more go too, after their grace period.
    if (Number.isFinite(fileGraceMs)) await collectFiles(store, id, state, fileGraceMs)
    if (stored.log.length === 0) continue
    await store.compact(id, state, stored.log.at(-1)!.seq, title)
    compacted++
  }
  return compacted
}

export async function exportFromStore(store: DocStore, formats: DocumentFormats, id: string, format: ExportFormat): Promise<Exported | undefined> {
  if (!(await store.getMeta(id))) return undefined
  const doc = new Y.Doc()
  applyStored(doc, await store.loadDoc(id), Origin.load, () => {})
  const exported = formats.exportAny(doc, format, readTitle(doc), await filesForExport(store, id, format))
  doc.destroy()
  return await exported
}
