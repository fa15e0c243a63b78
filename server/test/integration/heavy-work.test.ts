import { getSchema } from '@tiptap/core'
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONTENT_FIELD } from '@quire/shared'
import { documentExtensions } from '@quire/shared/schema'
import { connectClient, serverState } from '../helpers/clients.js'
import { HELD_LOOP_LIMIT_MS, watchEventLoop } from '../helpers/event-loop.js'
import { createDoc, startServer, type TestServer } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

const schema = getSchema(documentExtensions())
let server: TestServer

beforeAll(async () => {
  // A short budget keeps the hostile cases quick; the default is 10 s.
  server = await startServer({ config: { taskTimeoutMs: 2_000 } })
})
afterAll(async () => {
  await server.close()
})

const create = (body: Record<string, unknown>) =>
  fetch(`${server.url}/api/docs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

/** Runs `request` while asking /healthz: the server must answer it before the heavy request ends. */
async function whileHealthzAnswers(request: () => Promise<Response>): Promise<Response> {
  const watch = watchEventLoop()
  let heavyDone = false
  const heavy = request().finally(() => {
    heavyDone = true
  })
  // Give the heavy request a head start, so it is under way when /healthz asks.
  await new Promise((resolve) => setTimeout(resolve, 100))
  const health = await fetch(`${server.url}/healthz`)
  expect(health.status).toBe(200)
  expect(heavyDone).toBe(false)
  const response = await heavy
  expect(watch.stop().longestMs).toBeLessThan(HELD_LOOP_LIMIT_MS)
  return response
}

describe('imports run off the event loop, within a budget', () => {
  it.each([
    ['emphasis runs', '_a'.repeat(80_000)],
    ['link openers', '[a]('.repeat(40_000)],
    ['backtick runs', Array.from({ length: 30_000 }, (_, i) => '`'.repeat((i % 7) + 1) + 'a').join('')],
  ])('a Markdown import of %s that the lexer takes minutes over answers 422, and the server answers others meanwhile', async (_name, content) => {
    const response = await whileHealthzAnswers(() => create({ title: 'Slow', content, format: 'markdown' }))
    // A fast machine may get through the backticks: what matters is the loop stayed free.
    if (response.status !== 201) {
      expect(response.status).toBe(422)
      expect(await response.json()).toMatchObject({ error: 'too_complex', message: expect.stringContaining('longer than') })
    }
  })

  it.each([
    ['Markdown', 'markdown', (depth: number) => '>'.repeat(depth) + ' deep'],
    ['HTML', 'html', (depth: number) => '<blockquote>'.repeat(depth) + 'deep'],
  ])('refuses %s nested past the nesting limit with 400, however deep', async (_name, format, nested) => {
    for (const depth of [129, 1_000, 1_200]) {
      const response = await create({ content: nested(depth), format })
      expect(response.status, `${depth} levels`).toBe(400)
      expect(((await response.json()) as { message: string }).message).toMatch(/nests/)
    }
    expect((await create({ content: nested(20), format })).status).toBe(201)
  })

  it('imports a plain Markdown document of 20 000 paragraphs (1 MB) within the default budget', async () => {
    const roomy = await startServer({ config: { maxBodyBytes: 4 * 1024 * 1024 } })
    try {
      const content = Array.from({ length: 20_000 }, (_, i) => `Paragraph ${i} of the imported notes, written out in words.`).join('\n\n')
      const response = await fetch(`${roomy.url}/api/docs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ content, format: 'markdown' }),
      })
      expect(response.status).toBe(201)
      const { id, links } = (await response.json()) as { id: string; links: { view: string } }
      const key = new URL(links.view).hash.slice('#key='.length)
      const text = await (await fetch(`${roomy.url}/api/docs/${id}/export?format=text`, { headers: { authorization: `Bearer ${key}` } })).text()
      expect(text).toContain('Paragraph 19999 of the imported notes')
    } finally {
      await roomy.close()
    }
  })

  it('refuses an import that would make a document larger than MAX_DOCUMENT_BYTES with 413', async () => {
    const small = await startServer({ config: { maxDocumentBytes: 64 * 1024 } })
    try {
      const content = Array.from({ length: 2_000 }, (_, i) => `Paragraph ${i} of the imported notes.`).join('\n\n')
      const response = await fetch(`${small.url}/api/docs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ content, format: 'markdown' }),
      })
      expect(response.status).toBe(413)
      expect(await response.json()).toMatchObject({ error: 'document_too_large' })
    } finally {
      await small.close()
    }
  })
})

describe('version comparisons run off the event loop, within a budget', () => {
  it('compares a 44 KB rewrite without holding the server', async () => {
    const doc = await createDoc(server.url)
    const client = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    const words = (seed: number) => Array.from({ length: 6_000 }, (_, i) => `w${(i * 7919 + seed) % 10007}`).join(' ')
    const write = (text: string) => {
      const fragment = client.doc.getXmlFragment(CONTENT_FIELD)
      client.doc.transact(() => {
        fragment.delete(0, fragment.length)
        prosemirrorJSONToYXmlFragment(schema, { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] }, fragment)
      })
    }
    try {
      write(words(1))
      const auth = { authorization: `Bearer ${doc.keys.edit}`, 'content-type': 'application/json' }
      await waitFor('the text on the server', async () => (await serverState(server.collabUrl, doc.id, doc.keys.view)).getXmlFragment(CONTENT_FIELD).length > 0)
      const saved = await fetch(`${server.url}/api/docs/${doc.id}/versions`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'before' }) })
      expect(saved.status).toBe(201)
      const { v } = (await saved.json()) as { v: number }
      write(words(5))
      await waitFor('the rewrite on the server', async () =>
        (await serverState(server.collabUrl, doc.id, doc.keys.view)).getXmlFragment(CONTENT_FIELD).toString().includes(words(5).slice(0, 40)),
      )
      const response = await whileHealthzAnswers(() =>
        fetch(`${server.url}/api/docs/${doc.id}/versions/${v}/diff`, { headers: { authorization: `Bearer ${doc.keys.view}` } }),
      )
      expect(response.status).toBe(200)
      const { blocks } = (await response.json()) as { blocks: { op: string }[] }
      // Too long to compare word by word within its budget: shown as a paragraph replaced.
      expect(blocks.map(({ op }) => op)).toEqual(['removed', 'added'])
    } finally {
      client.destroy()
    }
  })
})

describe('path parameters', () => {
  it('names the version number when it is malformed', async () => {
    const doc = await createDoc(server.url)
    for (const v of ['abc', '0', '1.5', '99999999999']) {
      const response = await fetch(`${server.url}/api/docs/${doc.id}/versions/${v}`, { headers: { authorization: `Bearer ${doc.keys.view}` } })
      expect(response.status).toBe(400)
      const body = (await response.json()) as { error: string; message: string }
      expect(body.error).toBe('bad_version')
      expect(body.message).toMatch(/version number/)
    }
    const badId = await fetch(`${server.url}/api/docs/bad!id/versions/1`, { headers: { authorization: `Bearer ${doc.keys.view}` } })
    expect(await badId.json()).toMatchObject({ error: 'bad_id' })
  })
})
