import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { ChaosProxy } from '../helpers/chaos-proxy.js'
import { connectClient, serverState, type TestClient } from '../helpers/clients.js'
import { testHome, type TestHome } from '../helpers/homes.js'
import { ADMIN_DATABASE_URL } from '../helpers/postgres.js'
import { createDoc, startServer, type TestServer } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

let server: TestServer | undefined
let proxy: ChaosProxy | undefined
let home: TestHome | undefined
const clients: TestClient[] = []
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy()
  await server?.stop()
  await proxy?.close()
  await home?.remove()
  server = proxy = home = undefined
})

const ready = async () => (await fetch(`${server!.url}/readyz`)).status

/** True when `doc` holds everything `seen` holds. */
function holdsAll(doc: Y.Doc, seen: Uint8Array): boolean {
  const have = Y.decodeStateVector(Y.encodeStateVector(doc))
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVectorFromUpdate(seen))) {
    if ((have.get(client) ?? 0) < clock) return false
  }
  return true
}

describe('PostgreSQL going away under editing', () => {
  it('turns readiness off and refuses writes, loses nothing acknowledged, and comes back by itself', async () => {
    // The server reaches its database through a proxy the test controls: the machine's
    // PostgreSQL itself is never stopped.
    home = await testHome('postgres')
    proxy = await ChaosProxy.start(Number(new URL(ADMIN_DATABASE_URL).port || 5432))
    const throughProxy = new URL(home.config.databaseUrl!)
    throughProxy.host = `127.0.0.1:${proxy.port}`
    server = await startServer({ home, config: { databaseUrl: throughProxy.toString(), databaseStatementTimeoutMs: 2_000 } })
    const doc = await createDoc(server.url)
    const writer = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    const observer = await connectClient(server.collabUrl, doc.id, doc.keys.view)
    clients.push(writer, observer)
    const type = (text: string) => writer.doc.getText('t').insert(writer.doc.getText('t').length, text)
    type('before ')
    await waitFor('the first edit to be relayed', () => observer.doc.getText('t').toString() === 'before ')

    // PostgreSQL goes away: every connection cut, every new one refused.
    const acknowledged = Y.encodeStateAsUpdate(observer.doc)
    proxy.refusing = true
    proxy.cut()
    type('during ')
    await waitFor('readiness to turn off', async () => (await ready()) === 503, 15_000)
    expect(observer.doc.getText('t').toString()).toBe('before ')
    const health = await fetch(`${server.url}/healthz`)
    expect(health.status).toBe(200)

    // Back: the store finds it again by itself, the clients reconnect and send what they kept.
    proxy.refusing = false
    await waitFor('readiness to come back', async () => (await ready()) === 200, 15_000)
    type('after')
    const expected = 'before during after'
    await waitFor('the observer to hold every edit', () => observer.doc.getText('t').toString() === expected, 30_000)
    const stored = await serverState(server.collabUrl, doc.id, doc.keys.view)
    expect(stored.getText('t').toString()).toBe(expected)
    expect(holdsAll(stored, acknowledged)).toBe(true)
  })
})
