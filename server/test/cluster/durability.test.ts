/**
 * Nothing anyone saw is lost when an instance dies (SIGKILL) or drains (SIGTERM) in the middle
 * of a burst of typing, or when Redis dies and comes back: what any client saw is in
 * PostgreSQL, and every client holds it after reconnecting through the load balancer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import { connectClient, type TestClient } from '../helpers/clients.js'
import { TestCluster } from '../helpers/cluster.js'
import { content, stateVector } from '../helpers/documents.js'
import { createDoc, type TestDoc } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

let cluster: TestCluster
let clients: TestClient[] = []

beforeAll(async () => {
  cluster = await TestCluster.start(3)
})

afterAll(async () => {
  for (const client of clients) client.destroy()
  await cluster?.close()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function open(url: string, doc: TestDoc): Promise<TestClient> {
  const client = await connectClient(url, doc.id, doc.keys.edit)
  clients.push(client)
  return client
}

/** Appends `n,` to the writer's own text every few milliseconds until stopped: each text only grows. */
function type(writers: TestClient[]): { stop(): void } {
  let n = 0
  const timer = setInterval(() => {
    n++
    writers.forEach(({ doc }, i) => doc.getText(`w${i}`).insert(doc.getText(`w${i}`).length, `${n},`))
  }, 4)
  return { stop: () => clearInterval(timer) }
}

function texts(doc: Y.Doc, writers: number): string[] {
  return Array.from({ length: writers }, (_, i) => doc.getText(`w${i}`).toString())
}

/** Waits until every client and a fresh load from PostgreSQL hold the same document. */
async function converged(doc: TestDoc): Promise<Y.Doc> {
  return waitFor(
    'every client and PostgreSQL to hold the same document',
    async () => {
      const stored = await cluster.stored(doc.id)
      const same = clients.every(
        (client) => client.provider.synced && stateVector(client.doc) === stateVector(stored) && content(client.doc) === content(stored),
      )
      return same ? stored : undefined
    },
    20_000,
  )
}

/**
 * Writers on instance 0 only (the balancer sends new sockets there alone), watchers on 1 and
 * 2; instance 0 goes down with `signal` mid-burst, and the writers come back through the
 * balancer to the others.
 */
async function burstThenStop(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
  const doc = await createDoc(cluster.url(0))
  cluster.balancer.takeOut(1)
  cluster.balancer.takeOut(2)
  const writers = [await open(cluster.balancer.collabUrl, doc), await open(cluster.balancer.collabUrl, doc)]
  cluster.balancer.putBack(1)
  cluster.balancer.putBack(2)
  const watchers = [await open(cluster.collabUrl(1), doc), await open(cluster.collabUrl(2), doc)]

  const typing = type(writers)
  await waitFor('the watchers to see the burst', () => watchers.every(({ doc }) => doc.getText('w1').length > 40))
  const exit = cluster.stop(0, signal)
  // What the watchers saw as the instance went down: only what it had committed.
  const seen = watchers.map(({ doc }) => texts(doc, writers.length))
  const code = await exit
  if (signal === 'SIGTERM') expect(code).toBe(0)
  const stored = texts(await cluster.stored(doc.id), writers.length)
  for (const watched of seen) watched.forEach((text, i) => expect(stored[i]!.startsWith(text)).toBe(true))

  // The writers keep typing offline, reconnect through the balancer, and everything arrives.
  await sleep(100)
  typing.stop()
  const final = await converged(doc)
  writers.forEach(({ doc }, i) => expect(texts(final, writers.length)[i]).toBe(doc.getText(`w${i}`).toString()))
  for (const client of clients) client.destroy()
  clients = []
  await cluster.restart(0)
}

describe('an instance going down while people type', () => {
  it('loses nothing any client saw when it is killed (SIGKILL)', () => burstThenStop('SIGKILL'))

  it('loses nothing when it drains (SIGTERM): its clients reconnect to another instance', () => burstThenStop('SIGTERM'))
})

describe('Redis going down while people type', () => {
  it('keeps committing and relaying through PostgreSQL, and is back to normal when Redis returns', async () => {
    const doc = await createDoc(cluster.url(0))
    const [a, b, c] = [await open(cluster.collabUrl(0), doc), await open(cluster.collabUrl(1), doc), await open(cluster.collabUrl(2), doc)]
    a.doc.getText('text').insert(0, 'before. ')
    await waitFor('B and C to see the edit', () => [b, c].every(({ doc }) => doc.getText('text').toString() === 'before. '))

    await cluster.redis.kill()
    a.doc.getText('text').insert(8, 'during. ')
    b.doc.getMap('map').set('b', 1)
    await waitFor(
      'the edits to cross instances without Redis',
      () => [a, b, c].every(({ doc }) => doc.getText('text').toString() === 'before. during. ' && doc.getMap('map').get('b') === 1),
      10_000,
    )

    await cluster.redis.restart()
    const typing = type([a, b, c])
    await sleep(300)
    typing.stop()
    await converged(doc)
    c.doc.getText('text').insert(0, 'after. ')
    await waitFor('the edit after Redis returned to reach everyone', () =>
      [a, b].every(({ doc }) => doc.getText('text').toString().startsWith('after. before. during. ')),
    )
  })
})
