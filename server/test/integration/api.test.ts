import { join } from 'node:path'
import { Level } from 'level'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CloseCode, CONTENT_FIELD, SyncStep } from '@quire/shared'
import { connectClient, RawSocket, syncMessage, textUpdate, upgradeStatus } from '../helpers/clients.js'
import { FlakyStore } from '../helpers/flaky-store.js'
import { createDoc, keyOf, startServer, type TestDoc, type TestServer } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

let server: TestServer

beforeAll(async () => {
  server = await startServer({ config: { createRatePerMinute: 1000, failedKeyChecksPerMinute: 1000 } })
})
afterAll(async () => {
  await server.close()
})

const api = (path: string, init: RequestInit & { key?: string } = {}) =>
  fetch(`${server.url}${path}`, {
    ...init,
    headers: { ...(init.key ? { authorization: `Bearer ${init.key}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
  })

async function expectError(response: Response, status: number, code?: string): Promise<void> {
  expect(response.status).toBe(status)
  const body = (await response.json()) as { error: string; message: string }
  expect(typeof body.message).toBe('string')
  if (code) expect(body.error).toBe(code)
}

describe('POST /api/docs', () => {
  it('creates a document with its four links', async () => {
    const response = await api('/api/docs', { method: 'POST', body: JSON.stringify({ title: '  Minutes  ' }) })
    expect(response.status).toBe(201)
    const body = (await response.json()) as { id: string; title: string; links: Record<string, string> }
    expect(body.id).toMatch(/^[A-Za-z0-9_-]{16}$/)
    expect(body.title).toBe('Minutes')
    for (const role of ['owner', 'edit', 'view', 'comment']) {
      expect(body.links[role]).toMatch(new RegExp(`^${server.url}/d/${body.id}#key=[A-Za-z0-9_-]{24}$`))
    }
    expect(new Set(Object.values(body.links)).size).toBe(4)
  })

  it('accepts no body at all', async () => {
    expect((await api('/api/docs', { method: 'POST' })).status).toBe(201)
  })

  it.each([
    ['a title that is not a string', { title: 5 }],
    ['a title too long', { title: 'x'.repeat(201) }],
    ['an unknown field', { colour: 'red' }],
    ['an unknown format', { content: 'x', format: 'docx' }],
    ['a body that is not an object', [1, 2]],
  ])('refuses %s with 400', async (_name, body) => {
    await expectError(await api('/api/docs', { method: 'POST', body: JSON.stringify(body) }), 400, 'bad_request')
  })

  it('refuses JSON that does not parse with 400, and a body over the limit with 413', async () => {
    await expectError(await api('/api/docs', { method: 'POST', body: '{"title":' }), 400)
    const huge = JSON.stringify({ content: 'x'.repeat(server.config.maxBodyBytes) })
    await expectError(await api('/api/docs', { method: 'POST', body: huge }), 413, 'too_large')
  })

  it('refuses a body that is not JSON with 415', async () => {
    await expectError(await api('/api/docs', { method: 'POST', body: 'title=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415)
  })
})

describe('import', () => {
  const exportOf = async (doc: TestDoc) => (await api(`/api/docs/${doc.id}/export?format=markdown`, { key: doc.keys.view })).text()

  it('turns Markdown into real Yjs content that an editor sees and edits', async () => {
    const doc = await createDoc(server.url, { title: 'Imported', content: '# Agenda\n\n- coffee\n- plans', format: 'markdown' })
    const editor = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    const fragment = editor.doc.getXmlFragment(CONTENT_FIELD)
    expect(fragment.toArray().map((node) => (node as { nodeName: string }).nodeName)).toEqual(['heading', 'bulletList'])
    expect(fragment.toString()).toContain('coffee')
    editor.destroy()
  })

  it('round-trips Markdown: what goes in comes out, up to normalisation', async () => {
    const markdown = [
      '# Title',
      'Text with **bold**, *italic*, ~~strike~~, `code` and [a link](https://example.org).',
      '## Lists',
      '- one\n  - nested\n- two',
      '1. first\n2. second',
      '- [x] done\n- [ ] open',
      '> quoted',
      '```js\nlet a = 1\n```',
      '---',
      'last line',
    ].join('\n\n')
    const doc = await createDoc(server.url, { content: markdown })
    expect(await exportOf(doc)).toBe(markdown)
  })

  it('keeps no script and no javascript: link from Markdown or HTML', async () => {
    const fromMarkdown = await createDoc(server.url, { content: '[click](javascript:alert(1)) <script>alert(2)</script>\n\n<img src=x onerror=alert(3)>' })
    const fromHtml = await createDoc(server.url, {
      format: 'html',
      content:
        '<p>Hi <a href="javascript:alert(1)">click</a> <a href="https://ok.example">ok</a></p><script>alert(2)</script><img src="x" onerror="alert(3)"><p onclick="alert(4)">para</p>',
    })
    for (const doc of [fromMarkdown, fromHtml]) {
      // Markup, not text: the words may stay, escaped, as what the author wrote.
      const html = await (await api(`/api/docs/${doc.id}/export?format=html`, { key: doc.keys.view })).text()
      expect(html).not.toMatch(/<script|<img|<[^>]*\son\w+=|href="\s*javascript:/i)
      const json = await (await api(`/api/docs/${doc.id}/export?format=json`, { key: doc.keys.view })).text()
      expect(json).not.toMatch(/"href":"\s*javascript:/i)
    }
    expect(await (await api(`/api/docs/${fromHtml.id}/export?format=html`, { key: fromHtml.keys.view })).text()).toContain('href="https://ok.example"')
  })
})

describe('GET /api/docs/:id', () => {
  let doc: TestDoc
  beforeAll(async () => {
    doc = await createDoc(server.url, { title: 'Meta' })
  })

  it('answers each key with its role', async () => {
    for (const role of ['owner', 'edit', 'comment', 'view'] as const) {
      const response = await api(`/api/docs/${doc.id}`, { key: doc.keys[role] })
      expect(response.status).toBe(200)
      const body = (await response.json()) as Record<string, string>
      expect(body).toMatchObject({ id: doc.id, title: 'Meta', role })
      expect(Date.parse(body.createdAt!)).not.toBeNaN()
      expect(Date.parse(body.updatedAt!)).not.toBeNaN()
    }
    const byQuery = await api(`/api/docs/${doc.id}?key=${doc.keys.view}`)
    expect(((await byQuery.json()) as { role: string }).role).toBe('view')
  })

  it('follows the live title', async () => {
    const editor = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    editor.doc.getText('title').insert(4, ' data')
    await waitFor(
      'the title to change',
      async () => ((await (await api(`/api/docs/${doc.id}`, { key: doc.keys.view })).json()) as { title: string }).title === 'Meta data',
    )
    editor.destroy()
  })

  it.each([
    ['a bad id', () => '/api/docs/bad!id', () => doc.keys.owner, 400, 'bad_id'],
    ['no key', () => `/api/docs/${doc.id}`, () => undefined, 401, 'missing_key'],
    ['a wrong key', () => `/api/docs/${doc.id}`, () => 'A'.repeat(24), 403, 'wrong_key'],
    ['an unknown document', () => '/api/docs/nothing-here', () => doc.keys.owner, 404, 'not_found'],
  ])('refuses %s', async (_name, path, key, status, code) => {
    await expectError(await api(path(), { key: key() }), status, code)
  })

  it('never lets a key of one document open another', async () => {
    const other = await createDoc(server.url)
    await expectError(await api(`/api/docs/${other.id}`, { key: doc.keys.owner }), 403, 'wrong_key')
  })
})

describe('GET /api/docs/:id/links', () => {
  it('gives the owner the current links, and nobody else', async () => {
    const doc = await createDoc(server.url)
    const response = await api(`/api/docs/${doc.id}/links`, { key: doc.keys.owner })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ links: doc.links })
    await expectError(await api(`/api/docs/${doc.id}/links`, { key: doc.keys.edit }), 403, 'forbidden')
    const rotated = (await (await api(`/api/docs/${doc.id}/links/rotate`, { method: 'POST', key: doc.keys.owner })).json()) as { links: unknown }
    expect(await (await api(`/api/docs/${doc.id}/links`, { key: doc.keys.owner })).json()).toEqual(rotated)
  })
})

describe('keys beside other credentials', () => {
  it('takes ?key= when the Authorization header is not a Bearer (Basic credentials of a proxy in front)', async () => {
    const doc = await createDoc(server.url)
    const basic = { authorization: `Basic ${Buffer.from('team:proxy-password').toString('base64')}` }
    expect(await upgradeStatus(`${server.collabUrl}/${doc.id}?key=${doc.keys.edit}`, basic)).toBe(101)
    expect((await api(`/api/docs/${doc.id}?key=${doc.keys.view}`, { headers: basic })).status).toBe(200)
    // A Bearer header still decides, even next to a key in the query.
    expect((await api(`/api/docs/${doc.id}?key=${doc.keys.view}`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(403)
  })
})

describe('POST /api/docs/:id/links/rotate', () => {
  it('stops every older edit, view and comment key at once, closes their sockets with 4401, and keeps the owner', async () => {
    const doc = await createDoc(server.url)
    const editor = await RawSocket.open(`${server.collabUrl}/${doc.id}?key=${doc.keys.edit}`)
    const viewer = await RawSocket.open(`${server.collabUrl}/${doc.id}?key=${doc.keys.view}`)
    const commenter = await RawSocket.open(`${server.collabUrl}/${doc.id}?key=${doc.keys.comment}`)
    const owner = await RawSocket.open(`${server.collabUrl}/${doc.id}?key=${doc.keys.owner}`)
    await Promise.all([editor.sync(), viewer.sync(), commenter.sync(), owner.sync()])

    const response = await api(`/api/docs/${doc.id}/links/rotate`, { method: 'POST', key: doc.keys.owner })
    expect(response.status).toBe(200)
    const { links } = (await response.json()) as { links: Record<string, string> }
    expect((await editor.closed).code).toBe(CloseCode.keyRevoked)
    expect((await viewer.closed).code).toBe(CloseCode.keyRevoked)
    expect((await commenter.closed).code).toBe(CloseCode.keyRevoked)
    expect((await editor.closed).reason).toMatch(/no longer valid/)
    expect(owner.isClosed).toBe(false)

    expect(keyOf(links.owner!)).toBe(doc.keys.owner)
    expect(keyOf(links.edit!)).not.toBe(doc.keys.edit)
    await expectError(await api(`/api/docs/${doc.id}`, { key: doc.keys.edit }), 403)
    await expectError(await api(`/api/docs/${doc.id}`, { key: doc.keys.view }), 403)
    await expectError(await api(`/api/docs/${doc.id}`, { key: doc.keys.comment }), 403)
    expect(await upgradeStatus(`${server.collabUrl}/${doc.id}?key=${doc.keys.edit}`)).toBe(403)
    expect(await upgradeStatus(`${server.collabUrl}/${doc.id}?key=${doc.keys.comment}`)).toBe(403)
    expect(await upgradeStatus(`${server.collabUrl}/${doc.id}?key=${keyOf(links.comment!)}`)).toBe(101)
    expect((await api(`/api/docs/${doc.id}`, { key: keyOf(links.edit!) })).status).toBe(200)
    expect(await upgradeStatus(`${server.collabUrl}/${doc.id}?key=${keyOf(links.view!)}`)).toBe(101)
    owner.close()
  })

  it('holds while the document is still loading: the old edit key cannot write, the new one opens it', async () => {
    let flaky: FlakyStore | undefined
    const held = await startServer({ wrapStore: (store) => (flaky = new FlakyStore(store)) })
    try {
      const doc = await createDoc(held.url)
      const release = flaky!.holdLoads()
      // The socket passes the key check, then waits for the document to load.
      const stale = await RawSocket.open(`${held.collabUrl}/${doc.id}?key=${doc.keys.edit}`)
      stale.send(syncMessage(SyncStep.update, textUpdate('written with a revoked key')))
      const response = await fetch(`${held.url}/api/docs/${doc.id}/links/rotate`, { method: 'POST', headers: { authorization: `Bearer ${doc.keys.owner}` } })
      expect(response.status).toBe(200)
      const { links } = (await response.json()) as { links: Record<string, string> }
      release()

      expect((await stale.closed).code).toBe(CloseCode.keyRevoked)
      const fresh = await connectClient(held.collabUrl, doc.id, keyOf(links.edit!))
      fresh.doc.getText('text').insert(0, 'new key ')
      const reader = await connectClient(held.collabUrl, doc.id, keyOf(links.view!))
      await waitFor('the new key’s edit', () => reader.doc.getText('text').toString() === 'new key ')
      fresh.destroy()
      reader.destroy()
    } finally {
      await held.close()
    }
  })

  it('is for the owner only', async () => {
    const doc = await createDoc(server.url)
    await expectError(await api(`/api/docs/${doc.id}/links/rotate`, { method: 'POST', key: doc.keys.edit }), 403, 'forbidden')
    await expectError(await api(`/api/docs/${doc.id}/links/rotate`, { method: 'POST', key: doc.keys.view }), 403, 'forbidden')
    await expectError(await api(`/api/docs/${doc.id}/links/rotate`, { method: 'POST', key: doc.keys.comment }), 403, 'forbidden')
    await expectError(await api(`/api/docs/${doc.id}/links/rotate`, { method: 'POST' }), 401)
    await expectError(await api('/api/docs/missing-doc/links/rotate', { method: 'POST', key: doc.keys.owner }), 404)
  })
})

describe('DELETE /api/docs/:id', () => {
  it('removes the document, closes its sockets with 4404, and its id answers 404 from then on', async () => {
    const doc = await createDoc(server.url, { content: '# Gone soon' })
    const editor = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    editor.doc.getText('t').insert(0, 'x')
    const closed = new Promise<{ code: number }>((resolve) => editor.provider.on('closed', resolve))
    await expectError(await api(`/api/docs/${doc.id}`, { method: 'DELETE', key: doc.keys.edit }), 403, 'forbidden')

    const response = await api(`/api/docs/${doc.id}`, { method: 'DELETE', key: doc.keys.owner })
    expect(response.status).toBe(204)
    expect((await closed).code).toBe(CloseCode.documentDeleted)
    editor.destroy()
    await expectError(await api(`/api/docs/${doc.id}`, { key: doc.keys.owner }), 404)
    await expectError(await api(`/api/docs/${doc.id}/export`, { key: doc.keys.owner }), 404)
    await expectError(await api(`/api/docs/${doc.id}`, { method: 'DELETE', key: doc.keys.owner }), 404)
    expect(await upgradeStatus(`${server.collabUrl}/${doc.id}?key=${doc.keys.owner}`)).toBe(404)
  })

  it('leaves no key of the document in LevelDB', async () => {
    const own = await startServer()
    try {
      const doomed = await createDoc(own.url, { title: 'Doomed', content: 'text' })
      const kept = await createDoc(own.url, { title: 'Kept' })
      const editor = await connectClient(own.collabUrl, doomed.id, doomed.keys.edit)
      editor.doc.getText('t').insert(0, 'logged')
      await waitFor('the edit to be logged', async () => (await own.store.loadDoc(doomed.id)).log.length > 0)
      editor.destroy()
      expect((await fetch(`${own.url}/api/docs/${doomed.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${doomed.keys.owner}` } })).status).toBe(
        204,
      )
      await own.stop()
      const db = new Level<string, string>(join(own.dataDir, 'db'))
      const keys = await db.keys().all()
      await db.close()
      expect(keys.filter((key) => key.includes(doomed.id))).toEqual([])
      expect(keys.some((key) => key.includes(kept.id))).toBe(true)
    } finally {
      await own.close()
    }
  })
})

describe('rate limits', () => {
  let limited: TestServer
  afterEach(async () => {
    await limited.close()
  })

  it('answer document creation past the limit with 429 and Retry-After', async () => {
    limited = await startServer({ config: { createRatePerMinute: 2 } })
    const create = () => fetch(`${limited.url}/api/docs`, { method: 'POST' })
    expect((await create()).status).toBe(201)
    expect((await create()).status).toBe(201)
    const refused = await create()
    await expectError(refused, 429, 'rate_limited')
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it('answer an address that failed too many key checks with 429, sockets included', async () => {
    limited = await startServer({ config: { failedKeyChecksPerMinute: 3 } })
    const doc = await createDoc(limited.url)
    for (let i = 0; i < 3; i++) {
      expect((await fetch(`${limited.url}/api/docs/${doc.id}?key=${'B'.repeat(24)}`)).status).toBe(403)
    }
    const refused = await fetch(`${limited.url}/api/docs/${doc.id}?key=${doc.keys.owner}`)
    await expectError(refused, 429, 'rate_limited')
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await upgradeStatus(`${limited.collabUrl}/${doc.id}?key=${doc.keys.owner}`)).toBe(429)
  })
})

describe('the WebSocket upgrade checks the Origin', () => {
  let doc: TestDoc
  beforeAll(async () => {
    doc = await createDoc(server.url)
  })
  const target = () => `${server.collabUrl}/${doc.id}?key=${doc.keys.edit}`

  it('refuses a foreign origin before the upgrade', async () => {
    expect(await upgradeStatus(target(), { origin: 'https://evil.example' })).toBe(403)
  })

  it('admits its own origin, and clients that send none', async () => {
    expect(await upgradeStatus(target(), { origin: server.url })).toBe(101)
    expect(await upgradeStatus(target())).toBe(101)
  })

  it('admits the configured allow-list', async () => {
    const listed = await startServer({ config: { allowedOrigins: ['https://editor.example'] } })
    try {
      const d = await createDoc(listed.url)
      const url = `${listed.collabUrl}/${d.id}?key=${d.keys.edit}`
      expect(await upgradeStatus(url, { origin: 'https://editor.example' })).toBe(101)
      expect(await upgradeStatus(url, { origin: 'https://other.example' })).toBe(403)
    } finally {
      await listed.close()
    }
  })
})

describe('every answer', () => {
  it('carries the security headers, pages and API alike', async () => {
    for (const path of ['/', '/d/abc', '/healthz', '/api/docs/missing']) {
      const response = await fetch(`${server.url}${path}`)
      const csp = response.headers.get('content-security-policy') ?? ''
      expect(csp, path).toContain("frame-ancestors 'none'")
      expect(csp, path).toContain("script-src 'self'")
      expect(csp, path).not.toContain('upgrade-insecure-requests')
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer')
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff')
    }
  })

  it('is JSON in the contract shape for an unknown route', async () => {
    await expectError(await fetch(`${server.url}/no/such/route`), 404, 'no_route')
    await expectError(await fetch(`${server.url}/api/nothing`, { method: 'POST' }), 404, 'no_route')
  })
})

describe('the OpenAPI description', () => {
  it('describes every route from the schemas the server validates with', async () => {
    const response = await fetch(`${server.url}/api/openapi.json`)
    expect(response.status).toBe(200)
    const spec = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> }
    expect(spec.openapi).toMatch(/^3\./)
    expect(Object.keys(spec.paths).sort()).toEqual([
      '/api/docs',
      '/api/docs/{id}',
      '/api/docs/{id}/comments',
      '/api/docs/{id}/comments/{thread}',
      '/api/docs/{id}/comments/{thread}/messages/{message}',
      '/api/docs/{id}/comments/{thread}/reopen',
      '/api/docs/{id}/comments/{thread}/replies',
      '/api/docs/{id}/comments/{thread}/resolve',
      '/api/docs/{id}/export',
      '/api/docs/{id}/files',
      '/api/docs/{id}/files/{hash}',
      '/api/docs/{id}/links',
      '/api/docs/{id}/links/rotate',
      '/api/docs/{id}/versions',
      '/api/docs/{id}/versions/{v}',
      '/api/docs/{id}/versions/{v}/diff',
      '/api/docs/{id}/versions/{v}/restore',
      '/healthz',
      '/readyz',
    ])
    expect(Object.keys(spec.paths['/api/docs/{id}']!).sort()).toEqual(['delete', 'get'])
    expect(JSON.stringify(spec.paths['/api/docs/{id}/export'])).toContain('markdown')
  })
})
