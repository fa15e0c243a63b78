import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode, SyncStep } from '@quire/shared'
import { connectClient, openClient, RawSocket, serverState, syncMessage, textUpdate } from '../helpers/clients.js'
import { sample, scrape } from '../helpers/load.js'
import { STORE_KINDS } from '../helpers/homes.js'
import { createDoc, startServer, startServerOn, type TestServer } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe.each(STORE_KINDS)('room lifecycle on %s', (kind) => {
  it('loads a cold document once for 50 sockets that arrive together, and each syncs', async () => {
    server = await startServerOn(kind)
    const doc = await createDoc(server.url, { title: 'Cold' })
    const loadsBefore = server.app.quire.rooms.stats.loads
    const sockets = await Promise.all(Array.from({ length: 50 }, () => RawSocket.open(`${server!.collabUrl}/${doc.id}?key=${doc.keys.view}`)))
    const states = await Promise.all(sockets.map((socket) => socket.sync()))
    expect(server.app.quire.rooms.stats.loads - loadsBefore).toBe(1)
    for (const state of states) {
      const copy = new Y.Doc()
      Y.applyUpdate(copy, state)
      expect(copy.getText('title').toString()).toBe('Cold')
    }
    for (const socket of sockets) socket.close()
  })

  it('keeps the frames that arrive while the document loads, and applies them after the load', async () => {
    server = await startServerOn(kind)
    const doc = await createDoc(server.url)
    const client = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    client.doc.getText('t').insert(0, 'stored ')
    client.destroy()
    await waitFor('the room to unload', () => server!.app.quire.rooms.size === 0)
    // Sent the moment the socket opens, while the room is still loading from disk.
    const socket = await RawSocket.open(`${server.collabUrl}/${doc.id}?key=${doc.keys.edit}`)
    socket.send(syncMessage(SyncStep.update, textUpdate('then typed', 'late')))
    await socket.sync()
    // Written first, then applied: the update lands a moment after the handshake.
    const state = await waitFor('the early update to land', async () => {
      const current = await serverState(server!.collabUrl, doc.id, doc.keys.view)
      return current.getText('late').toString() === 'then typed' && current
    })
    expect(state.getText('t').toString()).toBe('stored ')
    socket.close()
  })

  it('unloads a room after its grace period, compacted, and reloads it intact', async () => {
    server = await startServerOn(kind, { config: { unloadGraceMs: 100 } })
    const doc = await createDoc(server.url)
    const client = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    for (let i = 0; i < 20; i++) client.doc.getText('t').insert(i, 'abcdefghij'[i % 10]!)
    await waitFor('the edits to be stored', async () => (await server!.store.loadDoc(doc.id)).log.length > 0)
    client.destroy()
    await waitFor('the room to unload', () => server!.app.quire.rooms.size === 0)
    expect(server.app.quire.rooms.stats.unloads).toBeGreaterThanOrEqual(1)
    const stored = await server.store.loadDoc(doc.id)
    expect(stored.log).toEqual([])
    const state = await serverState(server.collabUrl, doc.id, doc.keys.view)
    expect(state.getText('t').toString()).toBe('abcdefghijabcdefghij')
  })

  it('syncs the first joiners of a compacted document, a fresh one and one with offline edits alike, while the room builds', async () => {
    server = await startServerOn(kind, { config: { unloadGraceMs: 50 } })
    const doc = await createDoc(server.url)
    const writer = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    writer.doc.getText('t').insert(0, 'stored ')
    await waitFor('the edit to be stored', async () => (await server!.store.loadDoc(doc.id)).log.length > 0)
    const offline = new Y.Doc()
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(writer.doc))
    writer.destroy()
    await waitFor('the room to unload, compacted', async () => server!.app.quire.rooms.size === 0 && (await server!.store.loadDoc(doc.id)).log.length === 0)

    // Both arrive while the cold document loads: one empty, one holding an edit made offline.
    offline.getText('t').insert(7, 'and offline')
    const [fresh, returning] = await Promise.all([
      connectClient(server.collabUrl, doc.id, doc.keys.view),
      connectClient(server.collabUrl, doc.id, doc.keys.edit, offline),
    ])
    await waitFor('everyone to hold both edits', () => fresh.doc.getText('t').toString() === 'stored and offline')
    expect(returning.doc.getText('t').toString()).toBe('stored and offline')
    const state = await serverState(server.collabUrl, doc.id, doc.keys.view)
    expect(state.getText('t').toString()).toBe('stored and offline')
    fresh.destroy()
    returning.destroy()
  })

  it('syncs the first joiners of a document stored with a log after its base (a crash before compaction) with both', async () => {
    server = await startServerOn(kind, { config: { unloadGraceMs: 50 } })
    const doc = await createDoc(server.url)
    const writer = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    writer.doc.getText('t').insert(0, 'base')
    writer.destroy()
    await waitFor('the room to unload, compacted', async () => server!.app.quire.rooms.size === 0 && (await server!.store.loadDoc(doc.id)).log.length === 0)

    // What a crash leaves: log entries written after the base, from two writers, one of
    // them a deletion, as the server writes them.
    const stored = await server.store.loadDoc(doc.id)
    const typist = new Y.Doc()
    Y.applyUpdate(typist, stored.base!)
    const updates: Uint8Array[] = []
    typist.on('update', (update: Uint8Array) => updates.push(update))
    for (const char of ' and log') typist.getText('t').insert(typist.getText('t').length, char)
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(typist))
    other.on('update', (update: Uint8Array) => updates.push(update))
    other.getText('t').delete(0, 1)
    other.getText('t').insert(0, 'B')
    await server.store.appendUpdates([
      { docId: doc.id, updates: updates.slice(0, 3) },
      { docId: doc.id, updates: updates.slice(3) },
    ])

    const offline = new Y.Doc()
    Y.applyUpdate(offline, stored.base!)
    offline.getText('t').insert(0, '> ')
    const before = await scrape(server.url)
    const fresh = openClient(server.collabUrl, doc.id, doc.keys.view)
    // Once a client counts itself synced, it holds the base and the log (the offline edit
    // may come a moment later).
    const atSync = new Promise<string>((resolve) => fresh.provider.once('sync', () => resolve(fresh.doc.getText('t').toString())))
    const returning = await connectClient(server.collabUrl, doc.id, doc.keys.edit, offline)
    expect(await atSync).toMatch(/^(> )?Base and log$/)
    const expected = '> Base and log'
    await waitFor('everyone to hold the base, the log and the offline edit', () => fresh.doc.getText('t').toString() === expected)
    await waitFor('the returning client to hold them too', () => returning.doc.getText('t').toString() === expected)
    // The fresh joiner got the stored bytes; only the returning one's reply was encoded.
    const after = await scrape(server.url)
    const replies = (source: string) =>
      sample(after, 'quire_sync_replies_total', `source="${source}"`) - sample(before, 'quire_sync_replies_total', `source="${source}"`)
    expect(replies('cached')).toBe(1)
    expect(replies('encoded')).toBe(1)
    expect((await serverState(server.collabUrl, doc.id, doc.keys.view)).getText('t').toString()).toBe(expected)
    fresh.destroy()
    returning.destroy()
  })

  it('builds the document before answering when its stored log is longer than a merge is quick for', async () => {
    server = await startServerOn(kind, { config: { unloadGraceMs: 50 } })
    const doc = await createDoc(server.url)
    const stored = await server.store.loadDoc(doc.id)
    // A log compaction never got to (a server run with a high COMPACT_AFTER_UPDATES).
    const typist = new Y.Doc()
    Y.applyUpdate(typist, stored.base!)
    const entries: { docId: string; seq: number; updates: Uint8Array[] }[] = []
    typist.on('update', (update: Uint8Array) => entries.push({ docId: doc.id, seq: stored.lastSeq + 1 + entries.length, updates: [update] }))
    for (let i = 0; i < 2_500; i++) typist.getText('t').insert(i, 'abcdefghij'[i % 10]!)
    await server.store.appendUpdates(entries)

    const before = await scrape(server.url)
    const fresh = await connectClient(server.collabUrl, doc.id, doc.keys.view)
    await waitFor('the joiner to hold every update', () => fresh.doc.getText('t').length === 2_500)
    expect(fresh.doc.getText('t').toString()).toBe(typist.getText('t').toString())
    const after = await scrape(server.url)
    expect(sample(after, 'quire_sync_replies_total', 'source="encoded"') - sample(before, 'quire_sync_replies_total', 'source="encoded"')).toBe(1)
    fresh.destroy()
  })

  it('keeps a room whose socket comes back within the grace period', async () => {
    server = await startServerOn(kind, { config: { unloadGraceMs: 60_000 } })
    const doc = await createDoc(server.url)
    const first = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    first.destroy()
    const second = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    expect(server.app.quire.rooms.stats.loads).toBe(1)
    second.destroy()
  })

  it('compacts the log once it passes the count threshold, while the document is open', async () => {
    server = await startServerOn(kind, { config: { compactAfterUpdates: 50 } })
    const doc = await createDoc(server.url)
    const client = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    for (let i = 0; i < 120; i++) {
      client.doc.getText('t').insert(i, 'x')
      await new Promise((resolve) => setImmediate(resolve))
    }
    await waitFor('every edit to be stored', async () => (await serverState(server!.collabUrl, doc.id, doc.keys.view)).getText('t').length === 120)
    const stored = await server.store.loadDoc(doc.id)
    expect(stored.log.length).toBeLessThan(50)
    const copy = new Y.Doc()
    Y.applyUpdate(copy, stored.base!)
    for (const { update } of stored.log) Y.applyUpdate(copy, update)
    expect(copy.getText('t').toString()).toBe('x'.repeat(120))
    client.destroy()
  })
})

describe.each(STORE_KINDS)('shutdown on %s', (kind) => {
  it('closes every socket with 1001 and writes everything down', async () => {
    server = await startServerOn(kind)
    const doc = await createDoc(server.url)
    const client = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    const raw = await RawSocket.open(`${server.collabUrl}/${doc.id}?key=${doc.keys.view}`)
    client.doc.getText('t').insert(0, 'before shutdown')
    await waitFor('the edit to be relayed', async () => (await serverState(server!.collabUrl, doc.id, doc.keys.view)).getText('t').length > 0)
    const readiness = server.app.quire
    await server.stop()
    expect((await raw.closed).code).toBe(CloseCode.shuttingDown)
    expect(readiness.ready).toBe(false)
    client.destroy()
    const again = await startServer({ home: server.home })
    try {
      expect((await serverState(again.collabUrl, doc.id, doc.keys.view)).getText('t').toString()).toBe('before shutdown')
      expect((await again.store.loadDoc(doc.id)).log).toEqual([])
    } finally {
      await again.close()
    }
  })

  it('closes with 1001 a socket whose upgrade completes after the drain began', async () => {
    // The key check of the upgrade waits on the store until the test lets it go.
    let holding = false
    let asked = false
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    server = await startServerOn(kind, {
      wrapStore: (level) =>
        new Proxy(level, {
          get(target, name) {
            if (name === 'getMeta' && holding) {
              return async (id: string) => {
                asked = true
                await held
                return target.getMeta(id)
              }
            }
            const value: unknown = Reflect.get(target, name)
            return typeof value === 'function' ? value.bind(target) : value
          },
        }),
    })
    const doc = await createDoc(server.url)
    holding = true
    const opening = RawSocket.open(`${server.collabUrl}/${doc.id}?key=${doc.keys.edit}`)
    await waitFor('the upgrade to check its key', () => asked)
    const stopping = server.stop()
    await waitFor('the drain to begin', () => !server!.app.quire.ready)
    release()
    const late = await opening
    await waitFor('the late socket to close', () => late.isClosed, 5_000)
    expect((await late.closed).code).toBe(CloseCode.shuttingDown)
    await stopping
  })
})
