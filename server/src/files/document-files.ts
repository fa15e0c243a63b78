import type { ExportFormat } from '@quire/shared'
import type { DocFiles } from '../export/inline-images.js'
import type { DocStore } from '../storage/doc-store.js'

/** The formats that carry images' bytes (JSON and text hold only references, or nothing). */
const WITH_IMAGES: readonly ExportFormat[] = ['markdown', 'html', 'docx']

/**
 * A document's files, for an export in `format` to put inline: none for formats without
 * images. Bounded by MAX_FILE_BYTES_PER_DOCUMENT, like everything the document holds.
 */
export async function filesForExport(store: DocStore, id: string, format: ExportFormat | undefined): Promise<DocFiles | undefined> {
  if (format === undefined || !WITH_IMAGES.includes(format)) return undefined
  const files = new Map<string, { type: string; bytes: Uint8Array }>()
  for (const { hash } of await store.listFiles(id)) {
    const file = await store.getFile(id, hash)
    if (file) files.set(hash, { type: file.type, bytes: file.bytes })
  }
  return files
}
