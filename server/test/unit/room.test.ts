import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode, encodeAwareness, encodeSyncStep1, encodeSyncStep2, encodeUpdate, SyncStep } from '@quire/shared'
import { createLogger } from '../../src/logger.js'
import { MemoryStore } from '../../src/storage/memory-store.js'
import { initialState } from '../../src/sync/doc-fields.js'
import type { RefusalReason, SyncEvents } from '../../src/sync/events.js'
import { decodeClientMessage } from '../../src/sync/protocol.js'
import { Room, type RoomLimits } from '../../src/sync/room.js'
import { readAwareness, readSync, textUpdate } from '../helpers/clients.js'
import { ManualWriter, MemoryPeer } from '../helpers/memory-room.js'
import { waitFor } from '../helpers/wait.js'

const ID = 'room-under-test'
const LIMITS: RoomLimits = {
  maxDocumentBytes: 64 * 1024,
  maxNestingDepth: 128,
  maxClientIdsPerPeer: 4,
  compactAfterUpdates: 500,
  compactAfterBytes: 4 * 1024 * 1024,
  presence: { maxStateBytes: 8192, maxDepth: 16, maxClientsPerPeer: 4 },
}

/** A room over an in-memory store whose writes go to disk only when the test flushes them. */
async function openRoom(options: { limits?: Partial<RoomLimits>; base?: Uint8Array; log?: Uint8Array[] } = {}) {
  const store = new MemoryStore()
  const now = new Date().toISOString()
  await store.createDoc({ id: ID, title: '', createdAt: now, updatedAt: now, epoch: 0 }, options.base ?? initialState(''))
  if (options.log) await store.appendUpdates(options.log.map((update, seq) => ({ docId: ID, seq, updates: [update] })))
  const writer = new ManualWriter(store)
  const refusals: RefusalReason[] = []
  const replies: string[] = []
  const events: SyncEvents = { updateRefused: (reason) => refusals.push(reason), syncReplied: (source) => replies.push(source) }
  const room = new Room(ID, await store.loadDoc(ID), { store, writer, limits: { ...LIMITS, ...options.limits }, log: createLogger('silent'), events })
  return { room, store, writer, refusals, replies }
}

const update = (bytes: Uint8Array) => decodeClientMessage(encodeUpdate(bytes))
/** The updates among what a peer was sent. */
const updatesIn = (messages: Uint8Array[]) =>
  messages
    .map(readSync)
    .filter((m) => m?.step === SyncStep.update)
    .map((m) => m!.payload)

/** The text of field `t` once the stored base and log are applied. */
async function storedText(store: MemoryStore): Promise<string> {
  const { base, log } = await store.loadDoc(ID)
  const doc = new Y.Doc()
  if (base) Y.applyUpdate(doc, base)
  for (const { update } of log) Y.applyUpdate(doc, update)
  return doc.getText('t').toString()
}

/** A writer's document, each edit of it one update. */
function typist(clientId: number) {
  const doc = new Y.Doc()
  doc.clientID = clientId
  const updates: Uint8Array[] = []
  doc.on('update', (bytes: Uint8Array) => updates.push(bytes))
  return {
    doc,
    type(text: string): Uint8Array {
      doc.getText('t').insert(doc.getText('t').length, text)
      return updates.at(-1)!
    },
  }
}

describe('Room', () => {
  it('relays an update only once its write is on disk, and a failed write relays nothing', async () => {
    const { room, store, writer } = await openRoom()
    const [ada, bob] = [new MemoryPeer(), new MemoryPeer()]
    room.join(ada)
    room.join(bob)
    bob.take()
    const writes = typist(1)
    room.receive(ada, update(writes.type('one')))
    expect(updatesIn(bob.take())).toHaveLength(0)
    await writer.flush()
    expect(updatesIn(bob.take())).toHaveLength(1)
    expect(await storedText(store)).toBe('one')

    room.receive(ada, update(writes.type(' two')))
    writer.fail()
    expect(updatesIn(bob.sent)).toHaveLength(0)
    expect(bob.closed?.code).toBe(CloseCode.storageFailure)
    expect(await storedText(store)).toBe('one')
    expect(room.doc.getText('t').toString()).toBe('one')
  })

  it('keeps the order of updates across batches, each batch with the next seq', async () => {
    const { room, store, writer } = await openRoom()
    const [ada, bob] = [new MemoryPeer(), new MemoryPeer()]
    room.join(ada)
    room.join(bob)
    const writes = typist(1)
    for (const word of ['a', 'b', 'c']) {
      room.receive(ada, update(writes.type(word)))
      await writer.flush()
    }
    room.receive(ada, update(writes.type('d')))
    room.receive(ada, update(writes.type('e')))
    await writer.flush()
    const reader = new Y.Doc()
    for (const relayed of updatesIn(bob.sent)) Y.applyUpdate(reader, relayed)
    expect(reader.getText('t').toString()).toBe('abcde')
    const { log } = await store.loadDoc(ID)
    expect(log.map(({ seq }) => seq)).toEqual([0, 1, 2, 3, 3])
  })

  it('applies its own writes and another instance’s in seq order, taking a writer’s next update while its last waits', async () => {
    const { room, store, writer, refusals } = await openRoom()
    const [ada, bob] = [new MemoryPeer(), new MemoryPeer()]
    room.join(ada)
    room.join(bob)
    bob.take()
    // Another instance wrote seq 0; its message has not come yet.
    const other = typist(9).type('B')
    await store.appendUpdates([{ docId: ID, updates: [other] }])
    const writes = typist(1)
    room.receive(ada, update(writes.type('a')))
    await writer.flush()
    // Ada's next keystroke builds on her last, which is written (seq 1) but waits for seq 0.
    room.receive(ada, update(writes.type('b')))
    await writer.flush()
    expect(refusals).toEqual([])
    expect(updatesIn(bob.take())).toHaveLength(0)
    room.receiveRemote(0, [other], 'Other')
    const reader = new Y.Doc()
    for (const relayed of updatesIn(bob.take())) Y.applyUpdate(reader, relayed)
    expect(reader.getText('t').toString()).toBe(room.doc.getText('t').toString())
    expect(room.doc.getText('t').toString()).toMatch(/^(Bab|abB)$/)
    expect(room.appliedSeq).toBe(2)
  })

  it('fills the log from the store when another instance’s message never comes', async () => {
    const { room, store, writer } = await openRoom()
    const ada = new MemoryPeer()
    room.join(ada)
    await store.appendUpdates([{ docId: ID, updates: [typist(9).type('lost message')] }])
    room.receive(ada, update(typist(1).type('!')))
    await writer.flush()
    await waitFor('the gap to be filled from the store', () => room.appliedSeq === 1)
    expect(room.doc.getText('t').toString()).toContain('lost message')
    room.destroy()
  })

  it('binds a client id to the peer that first wrote under it: another peer’s structs under it are dropped', async () => {
    const { room, store, writer, refusals } = await openRoom()
    const [ada, mallory] = [new MemoryPeer(), new MemoryPeer()]
    room.join(ada)
    room.join(mallory)
    const adas = typist(7)
    room.receive(ada, update(adas.type('mine')))
    await writer.flush()
    // Structs under Ada's client id at her next clock, sent by another socket: they would
    // pre-empt her next keystroke, and the two would never converge again.
    room.receive(mallory, update(adas.type(' stolen')))
    expect(writer.pending).toBe(false)
    expect(refusals).toContain('foreign_client')
    expect(ada.probes).toBe(1)
    expect(await storedText(store)).toBe('mine')
  })

  it('refuses an update that depends on content the document does not have, and stores nothing', async () => {
    const { room, store, writer, refusals } = await openRoom()
    const peer = new MemoryPeer()
    room.join(peer)
    room.receive(peer, decodeClientMessage(encodeSyncStep2(Y.encodeStateAsUpdate(new Y.Doc()))))
    const writes = typist(3)
    writes.type('first')
    const second = writes.type(' second')
    room.receive(peer, update(second))
    expect(peer.closed?.code).toBe(CloseCode.badFrame)
    expect(refusals).toEqual(['missing_dependency'])
    expect(writer.pending).toBe(false)
    expect(await storedText(store)).toBe('')
  })

  it('closes with 4413 a writer that would pass the size limit; deletions still pass', async () => {
    const { room, writer } = await openRoom({ limits: { maxDocumentBytes: 4 * 1024 } })
    const peer = new MemoryPeer()
    room.join(peer)
    const writes = typist(4)
    room.receive(peer, update(writes.type('x'.repeat(2_000))))
    await writer.flush()
    room.receive(peer, update(writes.type('y'.repeat(3_000))))
    expect(peer.closed?.code).toBe(CloseCode.documentTooLarge)

    const again = new MemoryPeer()
    room.join(again)
    writes.doc.getText('t').delete(0, 1_000)
    room.receive(again, update(Y.encodeStateAsUpdate(writes.doc, Y.encodeStateVector(room.doc))))
    expect(again.closed).toBeUndefined()
    await writer.flush()
    expect(room.doc.getText('t').length).toBe(1_000)
  })

  it('folds the log into the base once it holds as many updates as the threshold', async () => {
    const { room, store, writer } = await openRoom({ limits: { compactAfterUpdates: 3 } })
    const peer = new MemoryPeer()
    room.join(peer)
    const writes = typist(5)
    for (const word of ['a', 'b']) {
      room.receive(peer, update(writes.type(word)))
      await writer.flush()
    }
    expect((await store.loadDoc(ID)).log).toHaveLength(2)
    room.receive(peer, update(writes.type('c')))
    await writer.flush()
    await room.idle()
    const stored = await store.loadDoc(ID)
    expect(stored.log).toHaveLength(0)
    expect(await storedText(store)).toBe('abc')
  })

  it('lets the log of a large document grow with its base before folding it, up to 32 times the threshold', async () => {
    // A base of 40 000 bytes: 95 one-letter updates are far from an eighth of it.
    const base = textUpdate('x'.repeat(40_000), 't', 11)
    const { room, store, writer } = await openRoom({ base, limits: { compactAfterUpdates: 3 } })
    const peer = new MemoryPeer()
    room.join(peer)
    const writes = typist(5)
    for (let i = 0; i < 95; i++) {
      room.receive(peer, update(writes.type('y')))
      await writer.flush()
    }
    await room.idle()
    expect((await store.loadDoc(ID)).log).toHaveLength(95)
    room.receive(peer, update(writes.type('y')))
    await writer.flush()
    await room.idle()
    expect((await store.loadDoc(ID)).log).toHaveLength(0)
    expect((await storedText(store)).split('y')).toHaveLength(97)
  })

  it('answers a fresh joiner of a cold document from the stored bytes, log first', async () => {
    const base = textUpdate('stored base', 't', 11)
    const logged = typist(12)
    const log = [logged.type('log one'), logged.type(' log two')]
    const { room, replies } = await openRoom({ base, log })
    const joiner = new MemoryPeer()
    room.receive(joiner, decodeClientMessage(encodeSyncStep1(new Uint8Array([0]))))
    expect(replies).toEqual(['cached'])
    const [first, second] = joiner.sent.map(readSync)
    expect(first?.step).toBe(SyncStep.update)
    expect(second?.step).toBe(SyncStep.step2)
    expect(second!.payload).toEqual(base)
    const held = new Y.Doc()
    Y.applyUpdate(held, first!.payload)
    Y.applyUpdate(held, second!.payload)
    expect(held.getText('t').toString()).toBe('stored baselog one log two')
  })

  it('lets a peer set and remove only the presence it announced, and removes it for everyone when it leaves', async () => {
    const { room } = await openRoom()
    const [ada, mallory] = [new MemoryPeer(), new MemoryPeer()]
    room.join(ada)
    room.join(mallory)
    const state = (name: string) => JSON.stringify({ user: { name } })
    const presence = (clientId: number, clock: number, value: string) => decodeClientMessage(encodeAwareness([{ clientId, clock, state: value }]))
    room.receive(ada, presence(21, 1, state('Ada')))
    room.receive(mallory, presence(21, 2, state('Not Ada')))
    room.receive(mallory, presence(21, 3, 'null'))
    await new Promise((resolve) => setImmediate(resolve))
    // Ada's state, relayed and in the snapshot a joiner is greeted with: never Mallory's.
    const relayed = mallory.take().flatMap((message) => readAwareness(message) ?? [])
    expect(relayed.length).toBeGreaterThan(0)
    expect(relayed.every((entry) => entry.clock === 1 && entry.state === state('Ada'))).toBe(true)
    expect(room.presenceCount).toBe(1)

    room.leave(ada)
    await new Promise((resolve) => setImmediate(resolve))
    expect(mallory.take().flatMap((message) => readAwareness(message) ?? [])).toEqual([{ clientId: 21, clock: 2, state: 'null' }])
    expect(room.presenceCount).toBe(0)
  })

  it('compacts nothing once destroyed, even before it built its document', async () => {
    const logged = typist(9)
    const { room, store } = await openRoom({ log: [logged.type('kept')] })
    const before = await store.loadDoc(ID)
    room.destroy()
    await room.compact()
    await new Promise((resolve) => setImmediate(resolve))
    expect(await store.loadDoc(ID)).toEqual(before)
    expect(await storedText(store)).toBe('kept')
  })
})
