import { getSchema } from '@tiptap/core'
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap'
import { afterEach, describe, expect, it } from 'vitest'
import { CONTENT_FIELD, type VersionInfo } from '@quire/shared'
import { documentExtensions } from '@quire/shared/schema'
import { connectClient, type TestClient } from '../helpers/clients.js'
import { STORE_KINDS, type StoreKind } from '../helpers/homes.js'
import { createDoc, startServerOn, type TestDoc, type TestServer } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

const schema = getSchema(documentExtensions())
let server: TestServer | undefined
const clients: TestClient[] = []
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy()
  await server?.close()
  server = undefined
})

async function start(kind: StoreKind, config = {}): Promise<TestServer> {
  server = await startServerOn(kind, { config: { versionAfterIdleMs: 600_000, versionEveryMs: 600_000, ...config } })
  return server
}

const api = (path: string, key: string, init: RequestInit = {}) =>
  fetch(`${server!.url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } })

const saveNamed = (doc: TestDoc, name: string) => api(`/api/docs/${doc.id}/versions`, doc.keys.edit, { method: 'POST', body: JSON.stringify({ name }) })

async function versionsOf(doc: TestDoc): Promise<VersionInfo[]> {
  return ((await (await api(`/api/docs/${doc.id}/versions`, doc.keys.view)).json()) as { versions: VersionInfo[] }).versions
}

/** A writer whose every edit the server holds before the next request. */
async function writer(doc: TestDoc): Promise<{ type(text: string): Promise<void>; client: TestClient }> {
  const client = await connectClient(server!.collabUrl, doc.id, doc.keys.edit)
  clients.push(client)
  const reader = await connectClient(server!.collabUrl, doc.id, doc.keys.view)
  clients.push(reader)
  return {
    client,
    async type(text) {
      client.doc.getText('notes').insert(0, text)
      const expected = client.doc.getText('notes').toString()
      await waitFor('the edit to be relayed', () => reader.doc.getText('notes').toString() === expected)
    },
  }
}

describe.each(STORE_KINDS)('named versions on %s', (kind) => {
  it('saving an unchanged document again names the newest version instead of storing another copy', async () => {
    await start(kind)
    const doc = await createDoc(server!.url, { content: 'Notes. '.repeat(2_000) })
    const first = await saveNamed(doc, 'Draft')
    expect(first.status).toBe(201)
    const { v } = (await first.json()) as VersionInfo
    for (let i = 0; i < 20; i++) {
      const again = await saveNamed(doc, `Draft ${i}`)
      expect(again.status).toBe(200)
      expect(await again.json()).toMatchObject({ v, name: `Draft ${i}`, kind: 'named' })
    }
    const versions = await versionsOf(doc)
    expect(versions.map(({ v, name }) => [v, name])).toEqual([[v, 'Draft 19']])
  })

  it('a document gains at most VERSION_SAVES_PER_HOUR versions an hour; another document is not held back', async () => {
    await start(kind, { versionSavesPerHour: 3 })
    const doc = await createDoc(server!.url)
    const { type } = await writer(doc)
    for (let i = 0; i < 3; i++) {
      await type(`edit ${i} `)
      expect((await saveNamed(doc, `v${i}`)).status).toBe(201)
    }
    await type('one more ')
    const refused = await saveNamed(doc, 'too many')
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await refused.json()).toMatchObject({ error: 'rate_limited' })
    expect(await versionsOf(doc)).toHaveLength(3)

    const other = await createDoc(server!.url)
    expect((await saveNamed(other, 'fine')).status).toBe(201)
  })

  it('keeps at most MAX_NAMED_VERSIONS named versions; the owner can delete one to make room', async () => {
    await start(kind, { maxNamedVersions: 2 })
    const doc = await createDoc(server!.url)
    const { type } = await writer(doc)
    for (let i = 0; i < 2; i++) {
      await type(`edit ${i} `)
      expect((await saveNamed(doc, `v${i}`)).status).toBe(201)
    }
    await type('third ')
    const refused = await saveNamed(doc, 'third')
    expect(refused.status).toBe(409)
    expect(await refused.json()).toMatchObject({ error: 'too_many_versions' })

    const [newest, oldest] = await versionsOf(doc)
    expect((await api(`/api/docs/${doc.id}/versions/${oldest!.v}`, doc.keys.edit, { method: 'DELETE' })).status).toBe(403)
    expect((await api(`/api/docs/${doc.id}/versions/${oldest!.v}`, doc.keys.owner, { method: 'DELETE' })).status).toBe(204)
    expect((await api(`/api/docs/${doc.id}/versions/${oldest!.v}`, doc.keys.owner, { method: 'DELETE' })).status).toBe(404)
    expect((await saveNamed(doc, 'third')).status).toBe(201)
    expect((await versionsOf(doc)).map(({ name }) => name)).toEqual(['third', newest!.name])
  })
})

describe.each(STORE_KINDS)('restores on %s', (kind) => {
  it('refuses a restore that would pass MAX_DOCUMENT_BYTES with 413; the document stays writable', async () => {
    await start(kind, { maxDocumentBytes: 96 * 1024 })
    const paragraphs = (word: string) => Array.from({ length: 600 }, (_, i) => `Paragraph ${i} of the ${word}.`)
    const doc = await createDoc(server!.url, { content: paragraphs('plan').join('\n\n') })
    const plan = (await (await saveNamed(doc, 'Plan')).json()) as VersionInfo
    const { client, type } = await writer(doc)
    const fragment = client.doc.getXmlFragment(CONTENT_FIELD)
    client.doc.transact(() => {
      fragment.delete(0, fragment.length)
      prosemirrorJSONToYXmlFragment(
        schema,
        { type: 'doc', content: paragraphs('idea').map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] })) },
        fragment,
      )
    })
    await type('rewritten ')
    const idea = (await (await saveNamed(doc, 'Idea')).json()) as VersionInfo
    let closedWith: number | undefined
    client.provider.ws?.addEventListener('close', (event: { code: number }) => (closedWith = event.code))

    // Restoring one and then the other replaces every paragraph, leaving the replaced ones
    // behind as deleted items: the document grows until the limit refuses a restore.
    const statuses: number[] = []
    for (let i = 0; i < 40 && !statuses.includes(413); i++) {
      const v = i % 2 === 0 ? plan.v : idea.v
      const response = await api(`/api/docs/${doc.id}/versions/${v}/restore`, doc.keys.edit, { method: 'POST' })
      statuses.push(response.status)
      if (response.status === 413) expect(await response.json()).toMatchObject({ error: 'document_too_large' })
    }
    expect(statuses.length).toBeGreaterThan(1)
    expect(statuses.at(-1)).toBe(413)
    expect(statuses.slice(0, -1).every((status) => status === 200)).toBe(true)

    // Editors can still write: nothing closed them with 4413.
    await type('still writable ')
    expect(closedWith).toBeUndefined()
  })
})
