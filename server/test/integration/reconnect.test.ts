/**
 * Stock clients that come back with edits the server has not seen: whatever the order in
 * which their messages arrive, nothing they typed is lost and they are not thrown out.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { CloseCode } from '@quire/shared'
import { ChaosProxy } from '../helpers/chaos-proxy.js'
import { connectClient, serverState, type TestClient } from '../helpers/clients.js'
import { createDoc, startServer, type TestDoc, type TestServer } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

let server: TestServer
const cleanup: (() => unknown)[] = []
afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo()
})

async function start(): Promise<void> {
  server = await startServer()
  cleanup.push(() => server.close())
}

/** A server, a document, and a stock client that reaches the server through a proxy the test controls. */
async function clientBehindProxy(): Promise<{ doc: TestDoc; proxy: ChaosProxy; client: TestClient }> {
  await start()
  const doc = await createDoc(server.url)
  const proxy = await ChaosProxy.start(Number(new URL(server.url).port))
  cleanup.push(() => proxy.close())
  const client = await connectClient(`ws://127.0.0.1:${proxy.port}/collab`, doc.id, doc.keys.edit)
  cleanup.push(() => client.destroy())
  return { doc, proxy, client }
}

function closeCodes(client: TestClient): number[] {
  const codes: number[] = []
  client.provider.on('connection-close', (event) => {
    if (event) codes.push(event.code)
  })
  return codes
}

describe('a client that reconnects with offline edits', () => {
  it('keeps them when the server still holds its old, dead socket', async () => {
    const { doc, proxy, client } = await clientBehindProxy()
    const text = client.doc.getText('t')
    text.insert(0, 'one ')
    await waitFor('the first edit to land', async () => (await serverState(server.collabUrl, doc.id, doc.keys.view)).getText('t').toString() === 'one ')

    // The client's side drops; the server keeps the old socket until a ping goes unanswered.
    proxy.strand()
    text.insert(4, 'two')
    await waitFor(
      'the offline edit to reach the server',
      async () => (await serverState(server.collabUrl, doc.id, doc.keys.view)).getText('t').toString() === 'one two',
      10_000,
    )
  })

  it('is not thrown out when it types while the server still holds its old socket', async () => {
    const { doc, proxy, client } = await clientBehindProxy()
    const codes = closeCodes(client)
    const text = client.doc.getText('t')
    text.insert(0, 'one ')
    await waitFor('the first edit to land', async () => (await serverState(server.collabUrl, doc.id, doc.keys.view)).getText('t').toString() === 'one ')

    proxy.strand()
    await waitFor('the client to notice', () => !client.provider.synced)
    await waitFor('the client to reconnect and sync', () => client.provider.synced)
    text.insert(4, 'two')
    await waitFor(
      'the edit to reach the server',
      async () => (await serverState(server.collabUrl, doc.id, doc.keys.view)).getText('t').toString() === 'one two',
      10_000,
    )
    expect(codes.filter((code) => code === CloseCode.badFrame)).toEqual([])
  })

  it('is not thrown out when it types before its sync step 2 went out', async () => {
    await start()
    const doc = await createDoc(server.url)
    const client = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    cleanup.push(() => client.destroy())
    const codes = closeCodes(client)
    const text = client.doc.getText('t')
    text.insert(0, 'one ')
    client.provider.disconnect()
    text.insert(4, 'two ')
    // Typed the moment the socket opens: this update travels ahead of the step 2 that carries
    // 'two ', on which it depends.
    client.provider.on('status', ({ status }) => {
      if (status === 'connected' && text.length === 8) text.insert(8, 'three')
    })
    client.provider.connect()
    await waitFor(
      'every edit to reach the server',
      async () => (await serverState(server.collabUrl, doc.id, doc.keys.view)).getText('t').toString() === 'one two three',
    )
    expect(codes.filter((code) => code === CloseCode.badFrame)).toEqual([])
  })

  it('shows its presence again as soon as the server lets go of the old socket', async () => {
    const { doc, proxy, client } = await clientBehindProxy()
    const observer = await connectClient(server.collabUrl, doc.id, doc.keys.view)
    cleanup.push(() => observer.destroy())
    client.provider.awareness.setLocalStateField('user', { name: 'Ada' })
    const seesAda = () => observer.provider.awareness.getStates().get(client.doc.clientID)?.user?.name === 'Ada'
    await waitFor('the observer to see Ada', seesAda)

    proxy.strand()
    await waitFor('the client to notice', () => !client.provider.synced)
    await waitFor('the client to reconnect and sync', () => client.provider.synced)
    // The old socket goes once it misses its probe, and Ada with it, for a moment.
    await waitFor('the old socket to go', () => server.app.quire.rooms.get(doc.id)?.peers.size === 2, 10_000)
    // Well before the client renews its state on its own (every 15 s), and stays: a change of
    // hers comes to the observer after anything the server sent about the old socket.
    await waitFor('Ada to show again', seesAda, 5_000)
    client.provider.awareness.setLocalStateField('user', { name: 'Ada', round: 2 })
    await waitFor('her change to reach the observer', () => observer.provider.awareness.getStates().get(client.doc.clientID)?.user?.round === 2)
    expect(seesAda()).toBe(true)
  })
})
