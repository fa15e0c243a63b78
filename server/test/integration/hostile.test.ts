import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode, CONTENT_FIELD, SyncStep } from '@quire/shared'
import { LevelStore } from '../../src/storage/level-store.js'
import { awarenessMessage, connectClient, RawSocket, readAwareness, serverState, syncMessage } from '../helpers/clients.js'
import { nestBlockquotes } from '../helpers/documents.js'
import { createDoc, startServer, type TestDoc, type TestServer } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

let server: TestServer
let doc: TestDoc
const url = (key = doc.keys.edit, id = doc.id) => `${server.collabUrl}/${id}?key=${key}`

beforeAll(async () => {
  // Rooms stay loaded between a test's socket closing and its look at the room.
  server = await startServer({ config: { headersTimeoutMs: 1_000, unloadGraceMs: 60_000 } })
})
afterAll(async () => {
  await server.close()
})

/** Sends one frame from a fresh socket; resolves with the close code, or 0 if it stayed open. */
async function sendAlone(frame: Uint8Array, target = url()): Promise<number> {
  const socket = await RawSocket.open(target)
  await socket.sync()
  socket.send(frame)
  const received = socket.received.length
  socket.send([3]) // a query: its answer says the frame was handled
  await waitFor('the frame to be handled', () => socket.isClosed || socket.received.length > received)
  const code = socket.isClosed ? (await socket.closed).code : 0
  socket.close()
  return code
}

/** The updates a document emits while `change` runs on it. */
function updatesOf(ydoc: Y.Doc, change: () => void): Uint8Array {
  const updates: Uint8Array[] = []
  const record = (update: Uint8Array) => updates.push(update)
  ydoc.on('update', record)
  change()
  ydoc.off('update', record)
  return Y.mergeUpdates(updates)
}

function room() {
  return server.app.quire.rooms.get(doc.id)!
}

describe('updates under another live socket’s client id', () => {
  it('are dropped from live updates and sync step 2s alike, and the victim keeps converging', async () => {
    doc = await createDoc(server.url)
    const victim = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    const observer = await connectClient(server.collabUrl, doc.id, doc.keys.view)
    victim.provider.awareness.setLocalStateField('user', { name: 'Victim' })
    victim.doc.getText('t').insert(0, 'hello')
    await waitFor('the victim’s text to land', () => observer.doc.getText('t').toString() === 'hello')

    // The attacker writes the victim's next clocks before the victim does.
    const attacker = new Y.Doc()
    Y.applyUpdate(attacker, Y.encodeStateAsUpdate(observer.doc))
    attacker.clientID = victim.doc.clientID
    const forged = updatesOf(attacker, () => attacker.getText('t').insert(5, ' EVIL'))
    expect(await sendAlone(syncMessage(SyncStep.update, forged))).toBe(0)
    expect(await sendAlone(syncMessage(SyncStep.step2, forged))).toBe(0)
    expect(room().doc.getText('t').toString()).toBe('hello')

    victim.doc.getText('t').insert(5, ' world')
    await waitFor('everyone to converge on the victim’s text', () => observer.doc.getText('t').toString() === 'hello world')
    expect((await serverState(server.collabUrl, doc.id, doc.keys.view)).getText('t').toString()).toBe('hello world')
    victim.destroy()
    observer.destroy()
  })
})

describe('updates whose dependencies never arrive', () => {
  it.each([
    [
      'a gap in the clocks',
      () => {
        const writer = new Y.Doc()
        writer.getText('t').insert(0, 'abc')
        return updatesOf(writer, () => writer.getText('t').insert(3, 'def'))
      },
    ],
    [
      'an origin the server does not have',
      () => {
        const elsewhere = new Y.Doc()
        elsewhere.getText('t').insert(0, 'abc')
        const writer = new Y.Doc()
        Y.applyUpdate(writer, Y.encodeStateAsUpdate(elsewhere))
        return updatesOf(writer, () => writer.getText('t').insert(2, 'X'))
      },
    ],
    [
      'a deletion of unknown content',
      () => {
        const writer = new Y.Doc()
        writer.getText('t').insert(0, 'abc')
        return updatesOf(writer, () => writer.getText('t').delete(1, 1))
      },
    ],
  ])('are refused before anything is stored: %s', async (_name, make) => {
    doc = await createDoc(server.url)
    const before = (await server.store.loadDoc(doc.id)).log.length
    expect(await sendAlone(syncMessage(SyncStep.update, make()))).toBe(CloseCode.badFrame)
    expect((await server.store.loadDoc(doc.id)).log.length).toBe(before)
    expect(room().doc.store.pendingStructs).toBeNull()
    expect(room().doc.store.pendingDs).toBeNull()
  })
})

describe('an update ahead of the sync step 2 it depends on', () => {
  it('is dropped without closing the socket while the step 2 is owed, and nothing is stored', async () => {
    doc = await createDoc(server.url)
    const before = (await server.store.loadDoc(doc.id)).log.length
    const writer = new Y.Doc()
    writer.getText('t').insert(0, 'offline ')
    const ahead = updatesOf(writer, () => writer.getText('t').insert(8, 'typed'))
    const socket = await RawSocket.open(url())
    // Our state vector, the update, a query (its answer, the third message, says all were
    // handled), and no step 2 yet.
    socket.send(syncMessage(SyncStep.step1, Y.encodeStateVector(new Y.Doc())))
    socket.send(syncMessage(SyncStep.update, ahead))
    socket.send([3])
    await waitFor('the frames to be handled', () => socket.isClosed || socket.received.length >= 3)
    expect(socket.isClosed).toBe(false)
    expect((await server.store.loadDoc(doc.id)).log.length).toBe(before)
    expect(room().doc.store.pendingStructs).toBeNull()
    // The step 2 then carries everything.
    socket.send(syncMessage(SyncStep.step2, Y.encodeStateAsUpdate(writer)))
    await waitFor('the step 2 to land', async () => (await serverState(server.collabUrl, doc.id, doc.keys.view)).getText('t').toString() === 'offline typed')
    socket.close()
  })
})

function nested(depth: number): Uint8Array {
  const ydoc = new Y.Doc()
  return updatesOf(ydoc, () => nestBlockquotes(ydoc, depth))
}

describe('deep nesting', () => {
  it('is refused past the limit and taken below it', async () => {
    doc = await createDoc(server.url)
    expect(await sendAlone(syncMessage(SyncStep.update, nested(server.config.maxNestingDepth + 10)))).toBe(CloseCode.badFrame)
    expect(await sendAlone(syncMessage(SyncStep.update, nested(server.config.maxNestingDepth - 10)))).toBe(0)
  })

  it('already on disk, 20 000 deep, still loads, compacts and exports', async () => {
    const own = await startServer()
    try {
      const deep = await createDoc(own.url)
      await own.stop()
      const store = new LevelStore(join(own.dataDir, 'db'), { syncWrites: false, log: pino({ level: 'silent' }) })
      await store.open()
      await store.appendUpdates([{ docId: deep.id, updates: [nested(20_000)] }])
      await store.close()
      const again = await startServer({ home: own.home, config: { unloadGraceMs: 50 } })
      try {
        const state = await serverState(again.collabUrl, deep.id, deep.keys.view)
        expect(state.getXmlFragment(CONTENT_FIELD).length).toBe(1)
        const markdown = await (await fetch(`${again.url}/api/docs/${deep.id}/export?key=${deep.keys.view}`)).text()
        expect(markdown).toContain('deep')
        await waitFor('the room to unload, compacted', () => again.app.quire.rooms.size === 0)
        expect((await again.store.loadDoc(deep.id)).log).toEqual([])
      } finally {
        await again.close()
      }
    } finally {
      await own.close()
    }
  })
})

describe('hostile presence', () => {
  it('keeps nothing of 100 000 ids with null states, nor of a deep or a never-ending state', async () => {
    doc = await createDoc(server.url)
    const socket = await RawSocket.open(url())
    await socket.sync()
    const nulls = Array.from({ length: 100_000 }, (_, i) => ({ clientId: 10_000 + i, clock: 1, state: null }))
    socket.send(awarenessMessage(nulls))
    socket.send(awarenessMessage([{ clientId: 5, clock: 1, state: '['.repeat(100) + ']'.repeat(100) }]))
    socket.send(awarenessMessage([{ clientId: 6, clock: Number.MAX_SAFE_INTEGER, state: { user: { name: 'forever' } } }]))
    socket.send(awarenessMessage([{ clientId: 7, clock: 1, state: { user: { name: '<img src=x onerror=alert(1)>' } } }]))
    const joiner = await connectClient(server.collabUrl, doc.id, doc.keys.view)
    await waitFor('the joiner to see the one valid state', () => joiner.provider.awareness.getStates().has(7))
    // The valid state and the joiner's own: nothing else is held.
    expect(room().presenceCount).toBe(2)
    expect([...joiner.provider.awareness.getStates().keys()].sort()).toEqual([7, joiner.doc.clientID].sort())
    // The markup stays text: it is the client's job never to render it as HTML.
    expect(joiner.provider.awareness.getStates().get(7)?.user?.name).toBe('<img src=x onerror=alert(1)>')
    joiner.destroy()
    socket.close()
  })

  it('throttles a socket flooding presence updates, keeps its latest state, and others carry on', async () => {
    doc = await createDoc(server.url)
    const flooder = await RawSocket.open(url())
    const watcher = await RawSocket.open(url(doc.keys.view))
    await Promise.all([flooder.sync(), watcher.sync()])
    const sent = 10_000
    for (let clock = 1; clock <= sent; clock++) flooder.send(awarenessMessage([{ clientId: 42, clock, state: { cursor: clock } }]))
    const clocksSeen = () =>
      watcher.received.flatMap(
        (message) =>
          readAwareness(message)
            ?.filter((e) => e.clientId === 42)
            .map((e) => e.clock) ?? [],
      )
    await waitFor('the last state to arrive', () => clocksSeen().includes(sent), 20_000)
    expect(clocksSeen().length).toBeLessThan(sent / 10)
    const editor = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    editor.doc.getText('t').insert(0, 'still fine')
    await waitFor('an edit to land', async () => (await serverState(server.collabUrl, doc.id, doc.keys.view)).getText('t').toString() === 'still fine')
    editor.destroy()
    flooder.close()
    watcher.close()
  })
})

describe('large and destructive edits', () => {
  it('takes one 10 MB update, relays it and keeps it loadable', async () => {
    const own = await startServer({ config: { maxDocumentBytes: 64 * 1024 * 1024 } })
    try {
      const big = await createDoc(own.url)
      const writer = await connectClient(own.collabUrl, big.id, big.keys.edit)
      const reader = await connectClient(own.collabUrl, big.id, big.keys.view)
      writer.doc.getText('t').insert(0, 'x'.repeat(10 * 1024 * 1024))
      await waitFor('the reader to get 10 MB', () => reader.doc.getText('t').length === 10 * 1024 * 1024, 30_000)
      writer.destroy()
      reader.destroy()
      await own.stop()
      const again = await startServer({ home: own.home })
      try {
        expect((await serverState(again.collabUrl, big.id, big.keys.view)).getText('t').length).toBe(10 * 1024 * 1024)
      } finally {
        await again.stop()
      }
    } finally {
      await own.close()
    }
  })

  it('takes a delete of everything, and the document stays loadable', async () => {
    doc = await createDoc(server.url, { content: '# Everything\n\n- goes' })
    const writer = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    const fragment = writer.doc.getXmlFragment(CONTENT_FIELD)
    writer.doc.transact(() => {
      fragment.delete(0, fragment.length)
      writer.doc.getText('title').delete(0, writer.doc.getText('title').length)
    })
    await waitFor(
      'the server to hold an empty document',
      async () => (await serverState(server.collabUrl, doc.id, doc.keys.view)).getXmlFragment(CONTENT_FIELD).length === 0,
    )
    writer.destroy()
    expect(await (await fetch(`${server.url}/api/docs/${doc.id}/export?key=${doc.keys.view}`)).text()).toBe('')
  })
})

describe('upgrades that never finish (slowloris)', () => {
  it('time out and do not block anyone else', async () => {
    doc = await createDoc(server.url)
    const { port } = new URL(server.url)
    const slow: Socket[] = []
    const closed: Promise<void>[] = []
    for (let i = 0; i < 50; i++) {
      const socket = connect(Number(port), '127.0.0.1')
      socket.on('error', () => {})
      closed.push(new Promise((resolve) => socket.on('close', () => resolve())))
      socket.write(`GET /collab/${doc.id}?key=${doc.keys.edit} HTTP/1.1\r\nHost: 127.0.0.1\r\n`)
      slow.push(socket)
    }
    const drip = setInterval(() => slow.forEach((socket) => socket.writable && socket.write('X-Slow: 1\r\n')), 200)
    try {
      const client = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
      client.destroy()
      await Promise.all(closed)
    } finally {
      clearInterval(drip)
      slow.forEach((socket) => socket.destroy())
    }
  })
})
