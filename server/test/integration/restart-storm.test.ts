import { describe, expect, it, onTestFinished } from 'vitest'
import { SyncStep } from '@quire/shared'
import { startChildServer } from '../helpers/child-server.js'
import { openClient, RawSocket, serverState, syncMessage, textUpdate, type TestClient } from '../helpers/clients.js'
import { fixtures } from '../helpers/fixtures.js'
import { createDocs, LOAD_ENV, sample, scrape, sized } from '../helpers/load.js'
import { freePort } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

/** Clients that wrote to each document before the test's own: a long-lived document's history. */
const PAST_WRITERS = 60

const { children, clients, dataDir: freshDataDir } = fixtures()

/** Waits until every client of every document holds the same text, with `tokens` tokens each. */
async function converged(byDoc: TestClient[][], tokens: number, what: string): Promise<void> {
  await waitFor(
    what,
    () =>
      byDoc.every((group) => {
        const text = group[0]!.doc.getText('t').toString()
        return text.split(';').length - 1 === tokens && group.every((client) => client.doc.getText('t').toString() === text)
      }),
    60_000,
  )
}

describe('a server restart under many stock clients', () => {
  it('brings every client back, serves the join storm one encoding per document (long-lived ones too), and everyone converges', async () => {
    const docCount = sized(100, 200)
    const perDoc = 10
    const dataDir = await freshDataDir()
    const env = { ...LOAD_ENV, DATA_DIR: dataDir, PORT: String(await freePort()), MAX_CLIENT_IDS_PER_SOCKET: String(PAST_WRITERS) }
    const first = await startChildServer(env)
    children.push(first)
    const docs = await createDocs(first.url, docCount)
    // A document's state vector names every client that ever wrote to it, and every browser
    // session is a new client: give each document a history of past writers.
    await Promise.all(
      docs.map(async (doc) => {
        const past = await RawSocket.open(`${first.collabUrl}/${doc.id}?key=${doc.keys.edit}`)
        await past.sync()
        for (let writer = 1; writer <= PAST_WRITERS; writer++) past.send(syncMessage(SyncStep.update, textUpdate('.', 'history', writer * 1_000_003)))
        past.close()
        await waitFor(
          'the past writers to be stored',
          async () => (await serverState(first.collabUrl, doc.id, doc.keys.view)).getText('history').length === PAST_WRITERS,
          30_000,
        )
      }),
    )
    // Each stock provider listens for the process' exit, to tell the others it left.
    const maxListeners = process.getMaxListeners()
    process.setMaxListeners(maxListeners + docCount * perDoc)
    onTestFinished(() => void process.setMaxListeners(maxListeners))
    const byDoc = docs.map((doc) => Array.from({ length: perDoc }, () => openClient(first.collabUrl, doc.id, doc.keys.edit)))
    clients.push(...byDoc.flat())
    await waitFor('every client to sync', () => clients.every((client) => client.provider.synced), 60_000)
    byDoc.forEach((group, d) => group.forEach((client, c) => client.doc.getText('t').insert(0, `${d}.${c};`)))
    await converged(byDoc, perDoc, 'every client to hold every first edit')

    // Drained: every socket hears 1001, and every stock client retries on its own.
    first.process.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    await waitFor('every client to notice', () => clients.every((client) => !client.provider.wsconnected))
    const second = await startChildServer(env)
    children.push(second)
    await waitFor('every client to come back and sync', () => clients.every((client) => client.provider.wsconnected && client.provider.synced), 60_000)

    // Clients of one document hold the same state, so they share one reply.
    const storm = await scrape(second.url)
    const encoded = sample(storm, 'quire_sync_replies_total', 'source="encoded"')
    const cached = sample(storm, 'quire_sync_replies_total', 'source="cached"')
    console.info(`${clients.length} clients back on ${docCount} documents: ${encoded} replies encoded, ${cached} cached`)
    expect(encoded + cached).toBe(clients.length)
    expect(encoded).toBeLessThanOrEqual(docCount)

    byDoc.forEach((group, d) => group.forEach((client, c) => client.doc.getText('t').insert(0, `${d}.${c}.again;`)))
    await converged(byDoc, 2 * perDoc, 'every client to hold every edit after the restart')
    for (const [d, doc] of docs.entries()) {
      expect((await serverState(second.collabUrl, doc.id, doc.keys.view)).getText('t').toString()).toBe(byDoc[d]![0]!.doc.getText('t').toString())
    }
  })
})
