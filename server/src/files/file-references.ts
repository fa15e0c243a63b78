import * as Y from 'yjs'
import { CONTENT_FIELD } from '@quire/shared'
import type { DocStore } from '../storage/doc-store.js'

/** The files the images of a document state refer to (walked without recursion: any depth is safe). */
export function imageHashes(state: Uint8Array): Set<string> {
  const doc = new Y.Doc()
  try {
    Y.applyUpdate(doc, state)
    const hashes = new Set<string>()
    const stack: (Y.XmlElement | Y.XmlFragment)[] = [doc.getXmlFragment(CONTENT_FIELD)]
    while (stack.length > 0) {
      for (const child of stack.pop()!.toArray()) {
        if (!(child instanceof Y.XmlElement)) continue
        const file = child.nodeName === 'image' ? child.getAttribute('file') : undefined
        if (typeof file === 'string') hashes.add(file)
        stack.push(child)
      }
    }
    return hashes
  } finally {
    doc.destroy()
  }
}

/**
 * Removes the files of a document that neither its current state nor any kept version refers
 * to, once they are older than `graceMs` (an image may be uploaded a moment before the edit
 * that refers to it arrives, or sit in an offline editor's copy for a while). Returns how many
 * went.
 */
export async function collectFiles(store: DocStore, id: string, current: Uint8Array, graceMs: number, now = Date.now()): Promise<number> {
  const files = await store.listFiles(id)
  const old = files.filter(({ createdAt }) => Date.parse(createdAt) <= now - graceMs)
  if (old.length === 0) return 0
  const referenced = imageHashes(current)
  for (const { v } of await store.listVersions(id)) {
    const version = await store.getVersion(id, v)
    if (version) for (const hash of imageHashes(version.state)) referenced.add(hash)
  }
  const unreferenced = old.filter(({ hash }) => !referenced.has(hash)).map(({ hash }) => hash)
  if (unreferenced.length > 0) await store.deleteFiles(id, unreferenced)
  return unreferenced.length
}
