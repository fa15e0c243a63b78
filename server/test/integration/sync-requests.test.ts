import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { SyncStep } from '@quire/shared'
import { connectClient, RawSocket, readSync, serverState, syncMessage } from '../helpers/clients.js'
import { HELD_LOOP_LIMIT_MS, watchEventLoop } from '../helpers/event-loop.js'
import { createDoc, startServer, type TestDoc, type TestServer } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

let server: TestServer
let doc: TestDoc
let documentBytes: number

beforeAll(async () => {
  server = await startServer()
  const content = Array.from({ length: 4_000 }, (_, i) => `Paragraph ${i} of a long document that many people read.`).join('\n\n')
  doc = await createDoc(server.url, { content })
  documentBytes = Y.encodeStateAsUpdate(await serverState(server.collabUrl, doc.id, doc.keys.view)).length
})
afterAll(async () => {
  await server.close()
})

async function encodedReplies(): Promise<number> {
  const metrics = await (await fetch(`${server.url}/metrics`)).text()
  return Number(/quire_sync_replies_total\{source="encoded"\} (\d+)/.exec(metrics)?.[1] ?? 0)
}

/** A state vector naming clients the document never saw, as an attacker makes them up. */
function madeUpVector(seed: number): Uint8Array {
  const vector = new Map<number, number>()
  for (let i = 0; i < 8; i++) vector.set(1_000_000 + seed * 8 + i, 1 + ((seed * 31 + i) % 500))
  return Y.encodeStateVector(vector)
}

const step2s = (socket: RawSocket) =>
  socket.received.map(readSync).filter((message): message is NonNullable<typeof message> => message?.step === SyncStep.step2)

describe('sync step 1 requests', () => {
  it('made-up state vectors get the cached answer of the known part, one at a time, without holding the server', async () => {
    expect(documentBytes).toBeGreaterThan(100_000)
    const socket = await RawSocket.open(`${server.collabUrl}/${doc.id}?key=${doc.keys.view}`)
    await socket.sync()
    const encodedBefore = await encodedReplies()
    const answeredBefore = step2s(socket).length
    const watch = watchEventLoop()

    const requests = 200
    for (let i = 0; i < requests; i++) socket.send(syncMessage(SyncStep.step1, madeUpVector(i)))
    // The last request is always answered: it is the one kept while the others wait.
    await waitFor('an answer to the last request', () => step2s(socket).length > answeredBefore)
    // A stock client's whole handshake after the burst proves the server took every frame before it.
    const probe = await connectClient(server.collabUrl, doc.id, doc.keys.view)
    probe.destroy()
    expect(watch.stop().longestMs).toBeLessThan(HELD_LOOP_LIMIT_MS)

    const answers = step2s(socket).slice(answeredBefore)
    // 200 requests sent at once: one answered at once, the newest of the rest once it is sent.
    expect(answers.length).toBeLessThanOrEqual(10)
    const answeredBytes = answers.reduce((sum, { payload }) => sum + payload.length, 0)
    expect(answeredBytes).toBeLessThan(10 * documentBytes)
    // Unknown clients are answered from what the document knows: the whole document, encoded once at most.
    const whole = new Y.Doc()
    Y.applyUpdate(whole, answers.at(-1)!.payload)
    expect(Y.encodeStateAsUpdate(whole).length).toBe(documentBytes)
    expect((await encodedReplies()) - encodedBefore).toBeLessThanOrEqual(1)
    socket.close()
  })

  it('a state vector that names known clients at made-up clocks is answered like their real clocks', async () => {
    const state = await serverState(server.collabUrl, doc.id, doc.keys.view)
    const real = Y.decodeStateVector(Y.encodeStateVector(state))
    const future = new Map([...real].map(([client, clock]) => [client, clock + 1_000_000]))
    future.set(424242, 17)
    const socket = await RawSocket.open(`${server.collabUrl}/${doc.id}?key=${doc.keys.view}`)
    await socket.sync()
    const before = step2s(socket).length
    socket.send(syncMessage(SyncStep.step1, Y.encodeStateVector(future)))
    const [answer] = await waitFor('the answer', () => step2s(socket).length > before && step2s(socket).slice(before))
    // Nothing beyond what the socket has: an empty update.
    expect(Y.decodeUpdate(answer!.payload).structs).toHaveLength(0)
    socket.close()
  })
})
