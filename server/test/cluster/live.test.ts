/**
 * The cluster mode seen by its users: people on different instances behind a load balancer
 * edit together live, a key minted by one instance opens the document on every other, presence
 * crosses instances, and rotations, deletions and rate limits hold across them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CloseCode } from '@quire/shared'
import { connectClient, RawSocket, type TestClient } from '../helpers/clients.js'
import { TestCluster } from '../helpers/cluster.js'
import { createDoc } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

let cluster: TestCluster
const clients: TestClient[] = []

const INSTANCE_TTL_MS = 3_000

beforeAll(async () => {
  cluster = await TestCluster.start(3, { INSTANCE_TTL_MS: String(INSTANCE_TTL_MS) })
})

afterAll(async () => {
  for (const client of clients) client.destroy()
  await cluster?.close()
})

async function client(instance: number, docId: string, key: string): Promise<TestClient> {
  const opened = await connectClient(cluster.collabUrl(instance), docId, key)
  clients.push(opened)
  return opened
}

describe('three instances on one database', () => {
  it('let people on different instances edit together live, with a key minted by another instance', async () => {
    const doc = await createDoc(cluster.url(0))
    const [a, b, c] = [await client(0, doc.id, doc.keys.edit), await client(1, doc.id, doc.keys.edit), await client(2, doc.id, doc.keys.edit)]
    a.doc.getText('text').insert(0, 'from A. ')
    await waitFor('B and C to see A', () => [b, c].every(({ doc }) => doc.getText('text').toString() === 'from A. '))
    b.doc.getText('text').insert(8, 'from B. ')
    c.doc.getMap('map').set('c', 1)
    await waitFor('everyone to see everything', () =>
      [a, b, c].every(({ doc }) => doc.getText('text').toString() === 'from A. from B. ' && doc.getMap('map').get('c') === 1),
    )
  })

  it('converge when people on every instance type as fast as they can, each keystroke building on the last', async () => {
    const doc = await createDoc(cluster.url(0))
    const people = await Promise.all([0, 1, 2, 0, 1, 2].map((instance) => client(instance, doc.id, doc.keys.edit)))
    const closes: number[] = []
    for (const { provider } of people) provider.on('connection-close', (event) => closes.push(event?.code ?? 0))
    for (let n = 0; n < 100; n++) {
      people.forEach(({ doc: ydoc }, i) => ydoc.getText(`p${i}`).insert(ydoc.getText(`p${i}`).length, `${n % 10}`))
      if (n % 20 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    const expected = Array.from({ length: 100 }, (_, n) => n % 10).join('')
    await waitFor(
      'everyone to hold everyone’s keystrokes',
      () => people.every(({ doc: ydoc }) => people.every((_, i) => ydoc.getText(`p${i}`).toString() === expected)),
      20_000,
    )
    // Not one keystroke was refused on the way: no socket was closed.
    expect(closes).toEqual([])
  })

  it('show presence across instances, and drop it everywhere when its socket closes', async () => {
    const doc = await createDoc(cluster.url(0))
    const [ann, bob, cat] = [await client(0, doc.id, doc.keys.edit), await client(1, doc.id, doc.keys.edit), await client(2, doc.id, doc.keys.edit)]
    ann.provider.awareness.setLocalStateField('user', { name: 'Ann' })
    await waitFor('Bob and Cat to see Ann', () => [bob, cat].every((other) => names(other).includes('Ann')))
    ann.destroy()
    await waitFor('Ann to be gone for Bob and Cat', () => [bob, cat].every((other) => !names(other).includes('Ann')))
  })

  it('close revoked sockets on every instance when one instance rotates the links', async () => {
    const doc = await createDoc(cluster.url(0))
    const sockets = await Promise.all([1, 2].map((i) => RawSocket.open(`${cluster.collabUrl(i)}/${doc.id}?key=${doc.keys.edit}`)))
    const rotated = await fetch(`${cluster.url(0)}/api/docs/${doc.id}/links/rotate`, { method: 'POST', headers: { authorization: `Bearer ${doc.keys.owner}` } })
    expect(rotated.status).toBe(200)
    for (const socket of sockets) expect((await socket.closed).code).toBe(CloseCode.keyRevoked)
  })

  it('close every instance’s sockets of a deleted document', async () => {
    const doc = await createDoc(cluster.url(0))
    const sockets = await Promise.all([0, 1, 2].map((i) => RawSocket.open(`${cluster.collabUrl(i)}/${doc.id}?key=${doc.keys.edit}`)))
    await Promise.all(sockets.map((socket) => socket.sync()))
    const deleted = await fetch(`${cluster.url(1)}/api/docs/${doc.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${doc.keys.owner}` } })
    expect(deleted.status).toBe(204)
    for (const socket of sockets) expect((await socket.closed).code).toBe(CloseCode.documentDeleted)
    for (const i of [0, 1, 2])
      expect((await fetch(`${cluster.url(i)}/api/docs/${doc.id}`, { headers: { authorization: `Bearer ${doc.keys.owner}` } })).status).toBe(404)
  })

  it('let go of a killed instance’s people within the instance TTL', async () => {
    const doc = await createDoc(cluster.url(0))
    const [ann, cat] = [await client(0, doc.id, doc.keys.edit), await client(2, doc.id, doc.keys.edit)]
    ann.provider.awareness.setLocalStateField('user', { name: 'Ann' })
    await waitFor('Cat to see Ann', () => names(cat).includes('Ann'))
    // Ann's socket dies with her instance: nobody says goodbye for her but the missing heartbeat.
    await cluster.stop(0, 'SIGKILL')
    ann.provider.disconnect()
    await waitFor('Ann to be gone for Cat', () => !names(cat).includes('Ann'), INSTANCE_TTL_MS * 2)
    await cluster.restart(0)
  })
})

/** The names a client sees in the presence of the others. */
function names(client: TestClient): string[] {
  const states = [...client.provider.awareness.getStates()].filter(([id]) => id !== client.doc.clientID)
  return states.map(([, state]) => (state as { user?: { name?: string } }).user?.name ?? '')
}
