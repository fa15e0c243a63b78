import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectClient, upgradeStatus } from '../helpers/clients.js'
import { createDoc, keyOf, startServer, type TestServer } from '../helpers/server.js'

let server: TestServer

beforeAll(async () => {
  server = await startServer({ config: { logLevel: 'trace' } })
})
afterAll(async () => {
  await server.close()
})

describe('logs', () => {
  it('never contain a key, whatever route was used and however the key was passed', async () => {
    const doc = await createDoc(server.url, { title: 'Secret plans', content: '# Plans' })
    const keys = new Set(Object.values(doc.keys))
    const client = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    client.doc.getText('t').insert(0, 'hi')
    client.destroy()
    await upgradeStatus(`${server.collabUrl}/${doc.id}?key=${doc.keys.owner}`)
    await upgradeStatus(`${server.collabUrl}/${doc.id}?key=${doc.keys.view}x`)
    await upgradeStatus(`${server.collabUrl}/${doc.id}`, { authorization: `Bearer ${doc.keys.view}` })
    const headers = { authorization: `Bearer ${doc.keys.edit}` }
    await fetch(`${server.url}/api/docs/${doc.id}?key=${doc.keys.owner}`)
    await fetch(`${server.url}/api/docs/${doc.id}`, { headers })
    for (const format of ['markdown', 'html', 'json', 'text']) {
      await fetch(`${server.url}/api/docs/${doc.id}/export?format=${format}&key=${doc.keys.view}`)
    }
    await fetch(`${server.url}/api/docs/${doc.id}/export?format=nope`, { headers })
    const rotated = (await (await fetch(`${server.url}/api/docs/${doc.id}/links/rotate?key=${doc.keys.owner}`, { method: 'POST' })).json()) as { links: Record<string, string> }
    for (const link of Object.values(rotated.links)) keys.add(keyOf(link))
    await fetch(`${server.url}/api/docs/${doc.id}/links/rotate`, { method: 'POST', headers })
    await fetch(`${server.url}/api/docs/${doc.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${doc.keys.owner}` } })
    await fetch(`${server.url}/api/docs/${doc.id}?key=${doc.keys.owner}`)

    const logs = server.logs.join('')
    expect(logs).toContain(`/collab/${doc.id}?key=[redacted]`)
    expect(logs).toContain(`/export?format=markdown&key=[redacted]`)
    for (const key of keys) expect(logs).not.toContain(key)
  })
})
