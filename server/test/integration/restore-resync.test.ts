import { cp, rm } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { connectClient, serverState } from '../helpers/clients.js'
import { fixtures } from '../helpers/fixtures.js'
import { createDoc, freePort, startServer } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

const { clients, servers, dataDir: freshDataDir } = fixtures()

describe('a server brought back from an older copy', () => {
  it('converges with clients that each hold everyone’s edits it lost', async () => {
    const port = await freePort()
    const dataDir = await freshDataDir()
    const backup = await freshDataDir()
    const start = async () => {
      const server = await startServer({ dataDir, config: { port } })
      servers.push(server)
      return server
    }
    let server = await start()
    const doc = await createDoc(server.url, { title: 'Restored' })
    await server.stop()
    await cp(dataDir, backup, { recursive: true })
    server = await start()

    // Two writers interleave, so each one's text hangs on the other's.
    const a = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    const b = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    clients.push(a, b)
    for (let i = 0; i < 20; i++) {
      const [writer, reader] = i % 2 === 0 ? [a, b] : [b, a]
      writer.doc.getText('t').insert(writer.doc.getText('t').length, i % 2 === 0 ? 'a' : 'b')
      await waitFor('the other to see it', () => reader.doc.getText('t').length === i + 1)
    }

    // The server comes back from the copy taken before any of it; both clients reconnect.
    await server.stop()
    await rm(dataDir, { recursive: true, force: true })
    await cp(backup, dataDir, { recursive: true })
    server = await start()
    const expected = a.doc.getText('t').toString()
    expect(expected).toBe('ab'.repeat(10))
    await waitFor(
      'the server to hold both writers’ text again',
      async () => (await serverState(server.collabUrl, doc.id, doc.keys.view)).getText('t').toString() === expected,
      30_000,
    )
    await waitFor('both clients to stay in sync', () => a.provider.synced && b.provider.synced, 30_000)
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc))
    b.doc.getText('t').insert(0, '>')
    await waitFor('a new edit to travel', () => a.doc.getText('t').toString() === `>${expected}`)
  })
})
