import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectClient, upgradeStatus } from '../helpers/clients.js'
import { createDoc, startServer, type TestDoc, type TestServer } from '../helpers/server.js'

let server: TestServer
let doc: TestDoc

beforeAll(async () => {
  server = await startServer({ config: { logLevel: 'trace' } })
  doc = await createDoc(server.url, { title: 'Secret plans' })
})
afterAll(async () => {
  await server.close()
})

describe('logs', () => {
  it('never contain a key, whatever route was used and however the key was passed', async () => {
    const client = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    client.doc.getText('t').insert(0, 'hi')
    client.destroy()
    await upgradeStatus(`${server.collabUrl}/${doc.id}?key=${doc.keys.owner}`)
    await upgradeStatus(`${server.collabUrl}/${doc.id}?key=${doc.keys.view}x`)
    await upgradeStatus(`${server.collabUrl}/${doc.id}`, { authorization: `Bearer ${doc.keys.view}` })
    await fetch(`${server.url}/api/docs/${doc.id}?key=${doc.keys.owner}`)
    await fetch(`${server.url}/api/docs/${doc.id}`, { headers: { authorization: `Bearer ${doc.keys.edit}` } })
    const logs = server.logs.join('')
    expect(logs).toContain(`/collab/${doc.id}?key=[redacted]`)
    for (const key of Object.values(doc.keys)) expect(logs).not.toContain(key)
  })
})
