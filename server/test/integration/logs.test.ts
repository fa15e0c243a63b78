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
    // The query parser reads a percent-encoded name as `key`, and opens the document with it:
    // the redaction reads names the same way.
    for (const name of ['%6Bey', 'ke%79']) expect(await upgradeStatus(`${server.collabUrl}/${doc.id}?${name}=${doc.keys.view}`)).toBe(101)
    await upgradeStatus(`${server.collabUrl}/${doc.id}?KEY=${doc.keys.view}`)
    const headers = { authorization: `Bearer ${doc.keys.edit}` }
    await fetch(`${server.url}/api/docs/${doc.id}?key=${doc.keys.owner}`)
    await fetch(`${server.url}/api/docs/${doc.id}`, { headers })
    for (const format of ['markdown', 'html', 'json', 'text']) {
      await fetch(`${server.url}/api/docs/${doc.id}/export?format=${format}&key=${doc.keys.view}`)
    }
    await fetch(`${server.url}/api/docs/${doc.id}/export?format=nope`, { headers })
    const rotated = (await (await fetch(`${server.url}/api/docs/${doc.id}/links/rotate?key=${doc.keys.owner}`, { method: 'POST' })).json()) as {
      links: Record<string, string>
    }
    for (const link of Object.values(rotated.links)) keys.add(keyOf(link))
    await fetch(`${server.url}/api/docs/${doc.id}/links/rotate`, { method: 'POST', headers })
    await fetch(`${server.url}/api/docs/${doc.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${doc.keys.owner}` } })
    await fetch(`${server.url}/api/docs/${doc.id}?key=${doc.keys.owner}`)

    // An upgrade on a path that is no socket's is refused before any 101.
    expect(await upgradeStatus(`${server.collabUrl}/${doc.id}/extra?key=${doc.keys.owner}`)).toBe(404)
    expect(await upgradeStatus(`${server.url.replace('http', 'ws')}/d/${doc.id}?key=${doc.keys.owner}`)).toBe(404)

    const logs = server.logs.join('')
    expect(logs).toContain(`/collab/${doc.id}?key=[redacted]`)
    expect(logs).toContain(`/collab/${doc.id}?%6Bey=[redacted]`)
    expect(logs).toContain(`/export?format=markdown&key=[redacted]`)
    for (const key of keys) expect(logs).not.toContain(key)
  })
})
