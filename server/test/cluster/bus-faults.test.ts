/**
 * The bus is only the fast path: three instances in this process share one PostgreSQL database
 * and a Redis of the test's own, and the messages arriving at each are dropped, reordered,
 * doubled or lost by kind on purpose (ChaosBus). Data never depends on them: documents
 * converge with no entry applied twice, a revoked key cannot write even when the rotation's
 * message is lost, and compactions racing on two instances lose nothing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode } from '@quire/shared'
import type { Bus } from '../../src/bus/bus.js'
import { ChaosBus, type BusChaos } from '../helpers/chaos-bus.js'
import { connectClient, RawSocket, syncMessage, textUpdate, type TestClient } from '../helpers/clients.js'
import { content, stateVector } from '../helpers/documents.js'
import { testHome, type TestHome } from '../helpers/homes.js'
import { PrivateRedis } from '../helpers/redis.js'
import { createDoc, startServer, type TestDoc, type TestServer } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'
import type { Config } from '../../src/config.js'

let home: TestHome
let redis: PrivateRedis
let servers: TestServer[] = []
let clients: TestClient[] = []

beforeAll(async () => {
  ;[home, redis] = await Promise.all([testHome('postgres'), PrivateRedis.start()])
})

afterEach(async () => {
  for (const client of clients) client.destroy()
  clients = []
  for (const server of servers) await server.stop()
  servers = []
})

afterAll(async () => {
  await redis?.stop()
  await home?.remove()
})

/** Three instances; each one's arriving messages go through a ChaosBus with `chaos[i]`. */
async function startInstances(chaos: Partial<BusChaos>[], config: Partial<Config>[] = []): Promise<ChaosBus[]> {
  const buses: ChaosBus[] = []
  for (const [i, faults] of chaos.entries()) {
    const server = await startServer({
      home,
      config: { redisUrl: redis.url, headCheckMs: 500, instanceTtlMs: 3_000, createRatePerMinute: 10_000, ...config[i] },
      wrapBus: (bus: Bus) => {
        const chaotic = new ChaosBus(bus, faults, i + 1)
        buses.push(chaotic)
        return chaotic
      },
    })
    servers.push(server)
  }
  // Every instance is on the bus before anything is sent.
  await waitFor('the instances to reach Redis', () => buses.every((bus) => bus.connected))
  return buses
}

async function open(instance: number, doc: TestDoc): Promise<TestClient> {
  const client = await connectClient(servers[instance]!.collabUrl, doc.id, doc.keys.edit)
  clients.push(client)
  return client
}

async function stored(docId: string): Promise<Y.Doc> {
  const store = await home.openStore()
  try {
    const { base, log } = await store.loadDoc(docId)
    const doc = new Y.Doc()
    if (base) Y.applyUpdate(doc, base)
    for (const { update } of log) Y.applyUpdate(doc, update)
    return doc
  } finally {
    await store.close()
  }
}

async function converged(docId: string): Promise<Y.Doc> {
  return waitFor(
    'every client and PostgreSQL to hold the same document',
    async () => {
      const doc = await stored(docId)
      return clients.every((client) => stateVector(client.doc) === stateVector(doc) && content(client.doc) === content(doc)) && doc
    },
    20_000,
  )
}

/** How many log entries an instance applied, its own and other instances', from its metrics. */
async function entriesApplied(server: TestServer): Promise<{ own: number; remote: number }> {
  const { values } = await server.app.quire.metrics!.registry.getSingleMetric('quire_log_entries_applied_total')!.get()
  const of = (source: string) => values.find(({ labels }) => labels.source === source)?.value ?? 0
  return { own: of('own'), remote: of('remote') }
}

describe('bus messages dropped, reordered and doubled on purpose', () => {
  it('still converge everywhere, each instance applying every log entry exactly once', async () => {
    const faults = { drop: 0.3, delay: 0.3, maxDelayMs: 80, duplicate: 0.2 }
    const buses = await startInstances([faults, faults, faults])
    const doc = await createDoc(servers[0]!.url)
    const people = await Promise.all([0, 0, 1, 1, 2, 2].map((instance) => open(instance, doc)))
    let seed = 7
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (let step = 0; step < 300; step++) {
      const { doc: ydoc } = people[Math.floor(random() * people.length)]!
      const text = ydoc.getText('text')
      if (random() < 0.2 && text.length > 0) text.delete(Math.floor(random() * text.length), 1)
      else text.insert(Math.floor(random() * (text.length + 1)), String.fromCharCode(97 + Math.floor(random() * 26)))
      if (step % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const final = await converged(doc.id)
    expect(final.getText('text').length).toBeGreaterThan(100)
    expect(buses.every(({ counts }) => counts.dropped > 0 && counts.delayed > 0 && counts.doubled > 0)).toBe(true)

    // Each instance applied its own entries and the others', every one once: no more, no fewer
    // (a new document's first entry takes seq 0).
    const store = await home.openStore()
    const heads = await store.heads([doc.id]).finally(() => store.close())
    const lastSeq = heads.get(doc.id)!.lastSeq
    for (const server of servers) {
      const { own, remote } = await entriesApplied(server)
      expect(remote).toBeGreaterThan(0)
      expect(own + remote).toBe(lastSeq + 1)
      expect(server.app.quire.rooms.get(doc.id)!.appliedSeq).toBe(lastSeq)
    }
  })
})

describe('a rotation whose bus message is lost', () => {
  it('still closes the revoked sockets on every instance within 2 s (the head check)', async () => {
    const lost: Partial<BusChaos> = { lose: new Set(['rotated']) }
    await startInstances([{}, lost, lost])
    const doc = await createDoc(servers[0]!.url)
    const sockets = await Promise.all([1, 2].map((i) => RawSocket.open(`${servers[i]!.collabUrl}/${doc.id}?key=${doc.keys.edit}`)))
    await Promise.all(sockets.map((socket) => socket.sync()))
    const started = Date.now()
    await rotate(doc)
    for (const socket of sockets) expect((await socket.closed).code).toBe(CloseCode.keyRevoked)
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it('never commits a write from the revoked key, though its instance has not heard yet', async () => {
    // Instance 1 neither hears the rotation nor checks the heads during the test.
    await startInstances([{}, { lose: new Set(['rotated']) }, {}], [{}, { headCheckMs: 600_000 }, {}])
    const doc = await createDoc(servers[0]!.url)
    const socket = await RawSocket.open(`${servers[1]!.collabUrl}/${doc.id}?key=${doc.keys.edit}`)
    await socket.sync()
    await rotate(doc)
    socket.send(syncMessage(2, textUpdate('written after the rotation')))
    expect((await socket.closed).code).toBe(CloseCode.keyRevoked)
    expect((await stored(doc.id)).getText('text').toString()).toBe('')
  })
})

describe('two instances compacting one document while a third writes', () => {
  it('lose nothing', async () => {
    await startInstances([{}, {}, {}], [{ compactAfterUpdates: 5 }, { compactAfterUpdates: 5 }, {}])
    const doc = await createDoc(servers[0]!.url)
    const [a, b, writer] = [await open(0, doc), await open(1, doc), await open(2, doc)]
    const rooms = [0, 1].map((i) => servers[i]!.app.quire.rooms.get(doc.id)!)
    let compactions = 0
    for (let n = 0; n < 200; n++) {
      writer.doc.getText('w').insert(writer.doc.getText('w').length, `${n},`)
      if (n % 3 === 0) a.doc.getMap('map').set('a', n)
      if (n % 4 === 0) b.doc.getMap('map').set('b', n)
      if (n % 10 === 0) {
        await Promise.all(rooms.map((room) => room.compact()))
        compactions += 2
      }
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
    const final = await converged(doc.id)
    expect(compactions).toBeGreaterThan(0)
    expect(final.getText('w').toString()).toBe(Array.from({ length: 200 }, (_, n) => `${n},`).join(''))
    expect(final.getMap('map').toJSON()).toEqual({ a: 198, b: 196 })
  })
})

async function rotate(doc: TestDoc): Promise<void> {
  const response = await fetch(`${servers[0]!.url}/api/docs/${doc.id}/links/rotate`, { method: 'POST', headers: { authorization: `Bearer ${doc.keys.owner}` } })
  expect(response.status).toBe(200)
}
