import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode, MessageType, SyncStep } from '@quire/shared'
import { awarenessMessage, connectClient, RawSocket, readAwareness, serverState, syncMessage, textUpdate, upgradeStatus } from '../helpers/clients.js'
import { createDoc, startServer, type TestDoc, type TestServer } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

let server: TestServer
let doc: TestDoc
const url = (key = doc.keys.edit, id = doc.id) => `${server.collabUrl}/${id}?key=${key}`

beforeAll(async () => {
  server = await startServer({ config: { maxMessageBytes: 64 * 1024 } })
  doc = await createDoc(server.url)
})
afterAll(async () => {
  await server.close()
})

/** After every fault: a well-behaved client still edits the same document. */
async function expectDocumentStillWorks(marker: string): Promise<void> {
  const a = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
  const b = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
  try {
    a.doc.getText('ok').insert(0, marker)
    await waitFor(`${marker} to reach the other client`, () => b.doc.getText('ok').toString().includes(marker))
  } finally {
    a.destroy()
    b.destroy()
  }
}

describe('the upgrade', () => {
  it.each([
    ['a bad id', () => `${server.collabUrl}/bad%20id!?key=x`, 400],
    ['an id too long', () => `${server.collabUrl}/${'a'.repeat(65)}?key=x`, 400],
    ['no key', () => `${server.collabUrl}/${doc.id}`, 401],
    ['a wrong key', () => url('A'.repeat(24)), 403],
    ['a key of another document', async () => url((await createDoc(server.url)).keys.owner), 403],
    ['an unknown document', () => url(doc.keys.edit, 'no-such-document'), 404],
  ])('is refused with an HTTP status for %s, before any 101', async (_name, target, status) => {
    expect(await upgradeStatus(await target())).toBe(status)
  })

  it('opens with a valid key', async () => {
    expect(await upgradeStatus(url())).toBe(101)
  })
})

describe('a socket sending bad frames is closed; the document and others carry on', () => {
  const cases: [string, number[] | Uint8Array, number][] = [
    ['a truncated varint (80)', [0x80], CloseCode.badFrame],
    ['an unknown sync step (00 07 00)', [0x00, 0x07, 0x00], CloseCode.badFrame],
    ['an unknown message type', [0x63], CloseCode.badFrame],
    [
      'an update that declares 30 million structs',
      syncMessage(SyncStep.update, new Uint8Array([0x01, 0x80, 0x87, 0xa7, 0x0e, 0x01, 0x00])),
      CloseCode.badFrame,
    ],
  ]
  it.each(cases)('%s', async (name, frame, code) => {
    const socket = await RawSocket.open(url())
    socket.send(frame)
    expect((await socket.closed).code).toBe(code)
    await expectDocumentStillWorks(name)
  })

  it('a text frame closes with 1003', async () => {
    const socket = await RawSocket.open(url())
    socket.ws.send('hello')
    expect((await socket.closed).code).toBe(CloseCode.textFrame)
    await expectDocumentStillWorks('text')
  })

  it('an update with valid structs and a broken delete set changes nothing', async () => {
    const update = textUpdate('POISON', 'poison')
    const broken = new Uint8Array([...update.slice(0, update.length - 1), 0x05])
    const socket = await RawSocket.open(url())
    socket.send(syncMessage(SyncStep.update, broken))
    expect((await socket.closed).code).toBe(CloseCode.badFrame)
    const state = await serverState(server.collabUrl, doc.id, doc.keys.view)
    expect(state.getText('poison').toString()).toBe('')
    await expectDocumentStillWorks('delete set')
  })

  it('a frame over the size limit closes with 1009, and the close reaches a client that reads slowly', async () => {
    // Fill the socket's send buffer with a large document the client does not read yet, so
    // that the close frame queues behind it; a reset there would reach the client as 1006.
    const filler = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    for (let i = 0; i < 40; i++) filler.doc.getText('filler').insert(0, String(i % 10).repeat(50_000))
    await waitFor('the document to be large', async () => (await serverState(server.collabUrl, doc.id, doc.keys.view)).getText('filler').length >= 2_000_000)
    filler.destroy()
    await waitFor('the filler’s socket to go', () => server.app.quire.sockets.closing === 0)
    const large = await RawSocket.open(url())
    large.ws.pause()
    large.send(syncMessage(SyncStep.step1, Y.encodeStateVector(new Y.Doc())))
    large.send(syncMessage(SyncStep.update, textUpdate('x'.repeat(100 * 1024))))
    // The server answered the step 1 (2 MB, unread) and is closing the socket behind it.
    await waitFor('the server to be closing the socket', () => server.app.quire.sockets.closing === 1)
    large.ws.resume()
    expect((await large.closed).code).toBe(CloseCode.frameTooLarge)
    await expectDocumentStillWorks('too large')
  })
})

describe('awareness', () => {
  it('relays a socket’s own states to everyone, the sender too, and refuses states of ids it did not announce', async () => {
    const alice = await RawSocket.open(url())
    const mallory = await RawSocket.open(url())
    alice.send(awarenessMessage([{ clientId: 1001, clock: 1, state: { user: { name: 'Alice' } } }]))
    const fromAlice = (socket: RawSocket) =>
      socket.received.map(readAwareness).some((entries) => entries?.some((e) => e.clientId === 1001 && e.state.includes('Alice')))
    await waitFor('Alice to hear her own state', () => fromAlice(alice))
    await waitFor('Mallory to hear Alice', () => fromAlice(mallory))
    mallory.send(
      awarenessMessage([
        { clientId: 1001, clock: 99, state: { user: { name: 'Fake' } } },
        { clientId: 1001, clock: 100, state: null },
      ]),
    )
    // A query after them: its answer, every state the server holds, comes once it took them.
    const answers = mallory.received.length
    mallory.send([MessageType.queryAwareness])
    const snapshot = await waitFor('the answer to the query', () =>
      mallory.received
        .slice(answers)
        .map(readAwareness)
        .find((entries) => entries?.length),
    )
    expect(snapshot.find((entry) => entry.clientId === 1001)).toMatchObject({ clock: 1, state: JSON.stringify({ user: { name: 'Alice' } }) })
    const watcher = await connectClient(server.collabUrl, doc.id, doc.keys.view)
    try {
      await waitFor('the watcher to see Alice', () => watcher.provider.awareness.getStates().get(1001)?.user?.name === 'Alice')
      alice.close()
      await waitFor('Alice’s state to go when she leaves', () => !watcher.provider.awareness.getStates().has(1001))
    } finally {
      watcher.destroy()
      mallory.close()
    }
  })

  it('closes a socket whose awareness payload does not decode', async () => {
    const socket = await RawSocket.open(url())
    socket.send([0x01, 0x03, 0x05, 0x01, 0x01])
    expect((await socket.closed).code).toBe(CloseCode.badFrame)
  })
})

describe('limits', () => {
  it('refuses a socket over the per-document limit with 4429', async () => {
    const small = await startServer({ config: { maxSocketsPerDocument: 2 } })
    try {
      const d = await createDoc(small.url)
      const target = `${small.collabUrl}/${d.id}?key=${d.keys.edit}`
      const [one, two] = [await RawSocket.open(target), await RawSocket.open(target)]
      await Promise.all([one.sync(), two.sync()])
      const three = await RawSocket.open(target)
      expect((await three.closed).code).toBe(CloseCode.tooManySockets)
      one.close()
      two.close()
    } finally {
      await small.close()
    }
  })

  it('refuses a socket over the per-address limit with 4429', async () => {
    const small = await startServer({ config: { maxSocketsPerAddress: 1 } })
    try {
      const d = await createDoc(small.url)
      const target = `${small.collabUrl}/${d.id}?key=${d.keys.edit}`
      const one = await RawSocket.open(target)
      const two = await RawSocket.open(target)
      expect((await two.closed).code).toBe(CloseCode.tooManySockets)
      one.close()
    } finally {
      await small.close()
    }
  })

  it('closes a writer that grows the document past its size limit with 4413; the document stays readable', async () => {
    const small = await startServer({ config: { maxDocumentBytes: 4096 } })
    try {
      const d = await createDoc(small.url)
      const writer = await connectClient(small.collabUrl, d.id, d.keys.edit)
      writer.doc.getText('t').insert(0, 'kept')
      await waitFor('the first write to land', async () => (await serverState(small.collabUrl, d.id, d.keys.view)).getText('t').toString() === 'kept')
      const closed = new Promise<number>((resolve) => writer.provider.on('closed', (event: { code: number }) => resolve(event.code)))
      writer.doc.getText('t').insert(4, 'y'.repeat(8000))
      expect(await closed).toBe(CloseCode.documentTooLarge)
      writer.destroy()
      const state = await serverState(small.collabUrl, d.id, d.keys.view)
      expect(state.getText('t').toString()).toBe('kept')
    } finally {
      await small.close()
    }
  })
})

describe('view keys', () => {
  it('receive live changes, and their hand-made step 2 and update frames are dropped', async () => {
    const editor = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    const viewer = await connectClient(server.collabUrl, doc.id, doc.keys.view)
    const raw = await RawSocket.open(url(doc.keys.view))
    try {
      editor.doc.getText('live').insert(0, 'from editor')
      await waitFor('the viewer to see it', () => viewer.doc.getText('live').toString() === 'from editor')
      viewer.doc.getText('live').insert(0, 'VIEWER ')
      raw.send(syncMessage(SyncStep.step2, textUpdate('STEP2', 'live', 424242)))
      raw.send(syncMessage(SyncStep.update, textUpdate('UPDATE', 'live', 434343)))
      await raw.sync()
      editor.doc.getText('live').insert(0, '!')
      await waitFor('the viewer to see the next edit', () => viewer.doc.getText('live').toString().includes('!'))
      const state = await serverState(server.collabUrl, doc.id, doc.keys.owner)
      expect(state.getText('live').toString()).toBe('!from editor')
      expect(editor.doc.getText('live').toString()).toBe('!from editor')
      expect(raw.isClosed).toBe(false)
    } finally {
      editor.destroy()
      viewer.destroy()
      raw.close()
    }
  })

  it('still have their awareness relayed', async () => {
    const editor = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    const viewer = await connectClient(server.collabUrl, doc.id, doc.keys.view)
    try {
      viewer.provider.awareness.setLocalStateField('user', { name: 'Reader' })
      await waitFor('the editor to see the reader', () => editor.provider.awareness.getStates().get(viewer.doc.clientID)?.user?.name === 'Reader')
    } finally {
      editor.destroy()
      viewer.destroy()
    }
  })
})
