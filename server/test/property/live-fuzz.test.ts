import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode, SyncStep } from '@quire/shared'
import { awarenessMessage, connectClient, RawSocket, syncMessage, textUpdate } from '../helpers/clients.js'
import { createDoc, startServer, type TestDoc, type TestServer } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

let server: TestServer
let doc: TestDoc

beforeAll(async () => {
  server = await startServer()
  doc = await createDoc(server.url, { title: 'Fuzzed' })
})
afterAll(async () => {
  await server.close()
})

const validFrames = [
  syncMessage(SyncStep.update, textUpdate('abc', 'text', 77)),
  syncMessage(SyncStep.step2, textUpdate('xyz', 'other', 78)),
  syncMessage(SyncStep.step1, Y.encodeStateVector(new Y.Doc())),
  awarenessMessage([{ clientId: 79, clock: 1, state: { user: { name: 'Fuzz' } } }]),
]

const mutatedFrame = fc
  .record({
    frame: fc.constantFrom(...validFrames),
    flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
    cut: fc.option(fc.nat(), { nil: undefined }),
    extra: fc.uint8Array({ maxLength: 6 }),
    inflate: fc.boolean(),
  })
  .map(({ frame, flips, cut, extra, inflate }) => {
    const bytes = Uint8Array.from(frame)
    for (const [at, value] of flips) bytes[at % bytes.length] = value
    // An inflated length prefix: the payload claims far more bytes than follow.
    if (inflate && bytes.length > 2) bytes[2] = 0xff
    const end = cut === undefined ? bytes.length : cut % (bytes.length + 1)
    return new Uint8Array([...bytes.slice(0, end), ...extra])
  })

function roomState(): string {
  const room = server.app.quire.rooms.get(doc.id)
  return room ? Buffer.from(Y.encodeStateAsUpdate(room.doc)).toString('base64') : ''
}

describe('a live socket under fuzzed frames', () => {
  it('closes on refused frames without changing the document, and the server carries on', async () => {
    const keeper = await connectClient(server.collabUrl, doc.id, doc.keys.view) // keeps the room open
    try {
      await fc.assert(
        fc.asyncProperty(mutatedFrame, async (frame) => {
          const socket = await RawSocket.open(`${server.collabUrl}/${doc.id}?key=${doc.keys.edit}`)
          await socket.sync()
          const before = roomState()
          socket.send(frame)
          // A query afterwards: its answer (or a close) says the frame was handled.
          const received = socket.received.length
          socket.send([3])
          await waitFor('the frame to be handled', () => socket.isClosed || socket.received.length > received)
          if (socket.isClosed) {
            expect((await socket.closed).code).toBe(CloseCode.badFrame)
            expect(roomState()).toBe(before)
          }
          socket.close()
        }),
        { numRuns: 150, seed: 2024 },
      )
      const writer = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
      writer.doc.getText('after').insert(0, 'still here')
      await waitFor('a good client to still edit', () => keeper.doc.getText('after').toString() === 'still here')
      expect(keeper.doc.getText('title').toString()).toBe('Fuzzed')
      writer.destroy()
    } finally {
      keeper.destroy()
    }
  })
})
