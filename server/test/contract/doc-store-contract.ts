import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { VersionInfo } from '@quire/shared'
import { NOT_WRITTEN, type DocMeta, type DocStore, type StoredDoc } from '../../src/storage/doc-store.js'

export interface StoreHarness {
  /** A new, open, empty store. */
  open(): Promise<DocStore>
  /** The same store's data, closed and opened again. */
  reopen?(store: DocStore): Promise<DocStore>
  dispose(store: DocStore): Promise<void>
}

const bytes = (...values: number[]) => new Uint8Array(values)

/** Stores may hand out Buffers or plain Uint8Arrays: compare the bytes. */
function plain(doc: StoredDoc): StoredDoc {
  return {
    base: doc.base && Uint8Array.from(doc.base),
    log: doc.log.map(({ seq, update }) => ({ seq, update: Uint8Array.from(update) })),
    lastSeq: doc.lastSeq,
  }
}

function meta(id: string, overrides: Partial<DocMeta> = {}): DocMeta {
  const now = '2026-01-01T00:00:00.000Z'
  return { id, title: `Title of ${id}`, createdAt: now, updatedAt: now, epoch: 0, ...overrides }
}

/** What every DocStore does, whatever keeps its bytes. */
export function docStoreContract(name: string, harness: StoreHarness): void {
  describe(`${name} keeps the DocStore contract`, () => {
    let store: DocStore

    beforeEach(async () => {
      store = await harness.open()
    })
    afterEach(async () => {
      await harness.dispose(store)
    })

    it('creates a document with its metadata and first state', async () => {
      await store.createDoc(meta('a'), bytes(1, 2, 3))
      expect(await store.getMeta('a')).toEqual(meta('a'))
      expect(plain(await store.loadDoc('a'))).toEqual({ base: bytes(1, 2, 3), log: [], lastSeq: -1 })
      expect(await store.getMeta('b')).toBeUndefined()
    })

    it('appends updates of several documents, each batch entry with its document’s next seq, and sets updatedAt', async () => {
      await store.createDoc(meta('a'), bytes(0))
      await store.createDoc(meta('b'), bytes(0))
      expect(
        await store.appendUpdates([
          { docId: 'a', updates: [bytes(10)] },
          { docId: 'b', updates: [bytes(20)] },
        ]),
      ).toEqual([0, 0])
      expect(await store.appendUpdates([{ docId: 'a', updates: [bytes(11)] }])).toEqual([1])
      expect(await store.appendUpdates([{ docId: 'a', updates: [bytes(12)] }])).toEqual([2])
      const a = plain(await store.loadDoc('a'))
      expect(a.log).toEqual([
        { seq: 0, update: bytes(10) },
        { seq: 1, update: bytes(11) },
        { seq: 2, update: bytes(12) },
      ])
      expect(plain(await store.loadDoc('b')).log).toEqual([{ seq: 0, update: bytes(20) }])
      expect((await store.getMeta('a'))!.updatedAt > meta('a').updatedAt).toBe(true)
    })

    it('keeps the log in sequence order past 16 and 256 entries', async () => {
      await store.createDoc(meta('a'), bytes(0))
      for (let i = 0; i < 300; i++) await store.appendUpdates([{ docId: 'a', updates: [bytes(i % 256)] }])
      const { log, lastSeq } = await store.loadDoc('a')
      expect(log.map((entry) => entry.seq)).toEqual(Array.from({ length: 300 }, (_, seq) => seq))
      expect(log.map((entry) => entry.update[0])).toEqual(Array.from({ length: 300 }, (_, i) => i % 256))
      expect(lastSeq).toBe(299)
    })

    it('writes nothing for a document that no longer exists, and says so with -1', async () => {
      await store.createDoc(meta('a'), bytes(0))
      expect(
        await store.appendUpdates([
          { docId: 'gone', updates: [bytes(1)] },
          { docId: 'a', updates: [bytes(2)] },
        ]),
      ).toEqual([-1, 0])
      expect(await store.getMeta('gone')).toBeUndefined()
    })

    it('compacts: a new base and title, the log up to a sequence dropped, later entries kept', async () => {
      await store.createDoc(meta('a'), bytes(0))
      for (const seq of [0, 1, 2, 3]) await store.appendUpdates([{ docId: 'a', updates: [bytes(seq)] }])
      await store.compact('a', bytes(9, 9), 2, 'New title')
      expect(plain(await store.loadDoc('a'))).toEqual({ base: bytes(9, 9), log: [{ seq: 3, update: bytes(3) }], lastSeq: 3 })
      expect((await store.getMeta('a'))!.title).toBe('New title')
    })

    it('keeps a batch of updates as one entry, read back one update at a time, in order', async () => {
      await store.createDoc(meta('a'), bytes(0))
      await store.appendUpdates([{ docId: 'a', updates: [bytes(1), bytes(2, 2), bytes(3)] }])
      await store.appendUpdates([{ docId: 'a', updates: [bytes(4)] }])
      expect(plain(await store.loadDoc('a')).log).toEqual([
        { seq: 0, update: bytes(1) },
        { seq: 0, update: bytes(2, 2) },
        { seq: 0, update: bytes(3) },
        { seq: 1, update: bytes(4) },
      ])
    })

    it('remembers the last seq a compaction folded, so numbering goes on after it', async () => {
      await store.createDoc(meta('a'), bytes(0))
      for (const seq of [0, 1, 2]) await store.appendUpdates([{ docId: 'a', updates: [bytes(seq)] }])
      await store.compact('a', bytes(7), 2, 'Folded')
      expect(plain(await store.loadDoc('a'))).toEqual({ base: bytes(7), log: [], lastSeq: 2 })
      expect(await store.appendUpdates([{ docId: 'a', updates: [bytes(3)] }])).toEqual([3])
      expect(plain(await store.loadDoc('a'))).toEqual({ base: bytes(7), log: [{ seq: 3, update: bytes(3) }], lastSeq: 3 })
    })

    it('never takes a compaction back: one that covers less than the base already does changes nothing', async () => {
      await store.createDoc(meta('a'), bytes(0))
      for (const seq of [0, 1, 2, 3]) await store.appendUpdates([{ docId: 'a', updates: [bytes(seq)] }])
      await store.compact('a', bytes(3, 3), 3, 'Newer')
      await store.compact('a', bytes(1, 1), 1, 'Older')
      expect(plain(await store.loadDoc('a'))).toEqual({ base: bytes(3, 3), log: [], lastSeq: 3 })
      expect((await store.getMeta('a'))!.title).toBe('Newer')
    })

    it('runs two compactions of a document at once, with writes going on, without losing an update', async () => {
      await store.createDoc(meta('a'), Y.encodeStateAsUpdate(new Y.Doc()))
      const writer = new Y.Doc()
      const written: string[] = []
      const write = async (i: number) => {
        const before = Y.encodeStateVector(writer)
        writer.getArray<string>('list').push([`item ${i}`])
        written.push(`item ${i}`)
        await store.appendUpdates([{ docId: 'a', updates: [Y.encodeStateAsUpdate(writer, before)] }])
      }
      for (let i = 0; i < 20; i++) await write(i)
      // Two servers, each folding the log as it read it, while a third keeps writing.
      const compaction = async () => {
        const stored = await store.loadDoc('a')
        const doc = new Y.Doc()
        Y.applyUpdate(doc, stored.base!)
        for (const { update } of stored.log) Y.applyUpdate(doc, update)
        await store.compact('a', Y.encodeStateAsUpdate(doc), stored.lastSeq, 'Folded')
        return stored.lastSeq
      }
      const writing = (async () => {
        for (let i = 20; i < 60; i++) await write(i)
      })()
      const covered = await Promise.all([compaction(), write(60).then(compaction), writing])
      const stored = await store.loadDoc('a')
      const held = new Y.Doc()
      Y.applyUpdate(held, stored.base!)
      for (const { update } of stored.log) Y.applyUpdate(held, update)
      expect([...held.getArray<string>('list')].sort()).toEqual([...written].sort())
      // The base covers at least what the later compaction folded: never less.
      expect(stored.log.every(({ seq }) => seq > Math.min(covered[0], covered[1]))).toBe(true)
    })

    it('writes an entry only while the document is at the link epoch its writers hold', async () => {
      await store.createDoc(meta('a'), bytes(0))
      expect(await store.appendUpdates([{ docId: 'a', updates: [bytes(1)], epoch: 0 }])).toEqual([0])
      await store.putMeta({ ...meta('a'), epoch: 1 })
      expect(
        await store.appendUpdates([
          { docId: 'a', updates: [bytes(2)], epoch: 0 },
          { docId: 'a', updates: [bytes(3)], epoch: 1 },
          { docId: 'a', updates: [bytes(4)] },
        ]),
      ).toEqual([NOT_WRITTEN.revoked, 1, 2])
      expect(plain(await store.loadDoc('a')).log.map(({ update }) => update[0])).toEqual([1, 3, 4])
    })

    it('reads the log after a seq, and where documents stand', async () => {
      await store.createDoc(meta('a'), bytes(0))
      await store.createDoc(meta('b', { epoch: 4 }), bytes(0))
      for (const value of [1, 2, 3]) await store.appendUpdates([{ docId: 'a', updates: [bytes(value), bytes(value, value)] }])
      const since = await store.readSince('a', 0)
      expect(since.base).toBeUndefined()
      expect(since.log.map(({ seq, update }) => [seq, Array.from(update)])).toEqual([
        [1, [2]],
        [1, [2, 2]],
        [2, [3]],
        [2, [3, 3]],
      ])
      expect((await store.readSince('a', 2)).log).toEqual([])
      // A compaction folded entries the reader lacks: the base comes along, with what it covers.
      await store.compact('a', bytes(7, 7), 1, 'Folded')
      const afterCompaction = await store.readSince('a', 0)
      expect(Array.from(afterCompaction.base!)).toEqual([7, 7])
      expect(afterCompaction.baseSeq).toBe(1)
      expect(afterCompaction.log.map(({ seq }) => seq)).toEqual([2, 2])
      expect((await store.readSince('a', 1)).base).toBeUndefined()
      const heads = await store.heads(['a', 'b', 'gone'])
      expect(Object.fromEntries(heads)).toEqual({ a: { lastSeq: 2, epoch: 0 }, b: { lastSeq: -1, epoch: 4 } })
      await store.putMeta({ ...meta('a'), epoch: 2 })
      expect((await store.heads(['a'])).get('a')).toEqual({ lastSeq: 2, epoch: 2 })
    })

    it('changes the epoch without touching the title', async () => {
      await store.createDoc(meta('a'), bytes(0))
      await store.compact('a', bytes(1), -1, 'Renamed')
      await store.putMeta({ ...meta('a'), title: 'ignored', epoch: 3 })
      expect(await store.getMeta('a')).toMatchObject({ epoch: 3, title: 'Renamed' })
    })

    it('deletes everything of a document and nothing of another', async () => {
      await store.createDoc(meta('a'), bytes(0))
      await store.createDoc(meta('a-b'), bytes(5))
      await store.appendUpdates([
        { docId: 'a', updates: [bytes(1)] },
        { docId: 'a-b', updates: [bytes(6)] },
      ])
      await store.deleteDoc('a')
      expect(await store.getMeta('a')).toBeUndefined()
      expect(plain(await store.loadDoc('a'))).toEqual({ base: undefined, log: [], lastSeq: -1 })
      expect(plain(await store.loadDoc('a-b'))).toEqual({ base: bytes(5), log: [{ seq: 0, update: bytes(6) }], lastSeq: 0 })
    })

    it('lists every document', async () => {
      for (const id of ['z', 'a', 'a-b', 'm_1']) await store.createDoc(meta(id), bytes(0))
      await store.appendUpdates([{ docId: 'a', updates: [bytes(1)] }])
      const ids: string[] = []
      for await (const doc of store.listDocs()) ids.push(doc.id)
      expect(ids.sort()).toEqual(['a', 'a-b', 'm_1', 'z'])
    })

    it('reads every document at one point in time for a backup, whatever is written meanwhile', async () => {
      for (const id of ['a', 'b']) {
        await store.createDoc(meta(id), bytes(0))
        await store.appendUpdates([{ docId: id, updates: [bytes(1)] }])
      }
      const reading = store.snapshotDocs()[Symbol.asyncIterator]()
      const first = await reading.next()
      for (const id of ['a', 'b']) await store.compact(id, bytes(7), 0, 'Compacted')
      await store.deleteDoc('a')
      const second = await reading.next()
      expect((await reading.next()).done).toBe(true)
      for (const { value } of [first, second]) {
        expect(value!.meta.title).toBe(`Title of ${value!.meta.id}`)
        expect(plain(value!.stored)).toEqual({ base: bytes(0), log: [{ seq: 0, update: bytes(1) }], lastSeq: 0 })
      }
    })

    it('keeps versions apart from the content: listed in order, read whole, deleted one by one, gone with the document', async () => {
      await store.createDoc(meta('a'), bytes(0))
      const info = (v: number, name: string | null = null): VersionInfo => ({
        v,
        createdAt: `2026-01-0${v}T00:00:00.000Z`,
        authors: ['Ada'],
        name,
        kind: name ? 'named' : 'auto',
        restoredFrom: null,
        bytes: 1,
      })
      for (const v of [2, 1, 17]) await store.putVersion('a', { info: info(v, v === 17 ? 'Final' : null), state: bytes(v) })
      expect((await store.listVersions('a')).map((version) => version.v)).toEqual([1, 2, 17])
      const seventeen = await store.getVersion('a', 17)
      expect(seventeen?.info).toEqual(info(17, 'Final'))
      expect(Uint8Array.from(seventeen!.state)).toEqual(bytes(17))
      expect(await store.getVersion('a', 3)).toBeUndefined()
      await store.deleteVersions('a', [1, 17])
      expect((await store.listVersions('a')).map((version) => version.v)).toEqual([2])
      expect(plain(await store.loadDoc('a'))).toEqual({ base: bytes(0), log: [], lastSeq: -1 })
      await store.deleteDoc('a')
      expect(await store.listVersions('a')).toEqual([])
    })

    it('numbers added versions one after another, however many are added at once', async () => {
      await store.createDoc(meta('a'), bytes(0))
      const info = { createdAt: '2026-01-01T00:00:00.000Z', authors: [], name: null, kind: 'auto' as const, restoredFrom: null, bytes: 1 }
      const added = await Promise.all(Array.from({ length: 5 }, (_, i) => store.addVersion('a', info, bytes(i))))
      expect(added.map(({ v }) => v).sort()).toEqual([1, 2, 3, 4, 5])
      expect((await store.listVersions('a')).map(({ v }) => v)).toEqual([1, 2, 3, 4, 5])
      for (const { v } of added) expect((await store.getVersion('a', v))!.info.v).toBe(v)
      await store.deleteVersions('a', [5])
      expect((await store.addVersion('a', info, bytes(9))).v).toBe(5)
    })

    it('keeps files per document by hash: put once, read, list, delete; gone with their document', async () => {
      const file = (hash: string, ...values: number[]) => ({
        hash,
        type: 'image/png',
        size: values.length,
        createdAt: '2026-01-02T00:00:00.000Z',
        bytes: bytes(...values),
      })
      const [h1, h2] = ['1'.repeat(64), '2'.repeat(64)]
      expect(await store.putFile('a', file(h1, 1))).toBe(false)
      await store.createDoc(meta('a'), bytes(0))
      await store.createDoc(meta('b'), bytes(0))
      expect(await store.putFile('a', file(h1, 1, 2, 3))).toBe(true)
      expect(await store.putFile('a', file(h2, 4))).toBe(true)
      // The same hash again keeps what is there.
      expect(await store.putFile('a', { ...file(h1, 9), type: 'image/gif' })).toBe(true)
      const got = await store.getFile('a', h1)
      expect({ ...got, bytes: Uint8Array.from(got!.bytes) }).toEqual(file(h1, 1, 2, 3))
      expect(await store.getFile('b', h1)).toBeUndefined()
      const { bytes: _, ...info2 } = file(h2, 4)
      const { bytes: __, ...info1 } = file(h1, 1, 2, 3)
      expect(await store.listFiles('a')).toEqual([info1, info2])
      expect(await store.listFiles('b')).toEqual([])
      await store.deleteFiles('a', [h2])
      expect(await store.listFiles('a')).toEqual([info1])
      expect(await store.getFile('a', h2)).toBeUndefined()
      await store.deleteDoc('a')
      expect(await store.getFile('a', h1)).toBeUndefined()
      expect(await store.listFiles('a')).toEqual([])
    })

    if (harness.reopen) {
      it('keeps everything across a close and an open', async () => {
        await store.createDoc(meta('a'), bytes(0))
        await store.appendUpdates([{ docId: 'a', updates: [bytes(1)] }])
        store = await harness.reopen!(store)
        expect(await store.appendUpdates([{ docId: 'a', updates: [bytes(2)] }])).toEqual([1])
        expect(plain(await store.loadDoc('a'))).toEqual({
          base: bytes(0),
          log: [
            { seq: 0, update: bytes(1) },
            { seq: 1, update: bytes(2) },
          ],
          lastSeq: 1,
        })
        expect((await store.getMeta('a'))!.title).toBe('Title of a')
      })
    }
  })
}
