import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { CommentThreadInfo } from '@quire/shared'
import { CommentLimits, contentOf, createThread, DocText, readThreads } from '@quire/shared/comments'
import { connectClient, serverState, type TestClient } from '../helpers/clients.js'
import { createDoc, startServer, type TestDoc, type TestServer } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

let server: TestServer

beforeAll(async () => {
  server = await startServer({ config: { createRatePerMinute: 1000, failedKeyChecksPerMinute: 1000 } })
})
afterAll(async () => {
  await server.close()
})

const api = (path: string, init: { method?: string; key?: string; body?: unknown } = {}) =>
  fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(init.key ? { authorization: `Bearer ${init.key}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })

async function expectError(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status)
  const body = (await response.json()) as { error: string; message: string }
  expect(body.error).toBe(code)
  expect(body.message.length).toBeGreaterThan(0)
}

/** A document with a paragraph of `text`, and an editor connected to it. */
async function docWithText(text: string): Promise<{ doc: TestDoc; editor: TestClient }> {
  const doc = await createDoc(server.url, { content: text })
  const editor = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
  return { doc, editor }
}

const threadsOf = async (doc: TestDoc, status = 'open') =>
  ((await (await api(`/api/docs/${doc.id}/comments?status=${status}`, { key: doc.keys.view })).json()) as { threads: CommentThreadInfo[] }).threads

describe('the comments API', () => {
  it('starts a thread on a quoted passage that an open editor sees at once', async () => {
    const { doc, editor } = await docWithText('Alpha beta gamma beta.')
    const response = await api(`/api/docs/${doc.id}/comments`, {
      method: 'POST',
      key: doc.keys.comment,
      body: { quote: 'beta', occurrence: 2, text: 'Second beta?', author: { name: 'Reviewer', color: '#2D6CB5' } },
    })
    expect(response.status).toBe(201)
    const created = (await response.json()) as CommentThreadInfo
    expect(created).toMatchObject({ quote: 'beta', anchoredText: 'beta', author: 'Reviewer', color: '#2d6cb5', resolved: false })
    expect(created.messages).toMatchObject([{ author: 'Reviewer', text: 'Second beta?', deleted: false, editedAt: null }])

    await waitFor('the editor to see the thread', () => readThreads(editor.doc).length === 1)
    const text = new DocText(contentOf(editor.doc))
    const [seen] = readThreads(editor.doc, text)
    expect(seen!.id).toBe(created.id)
    expect(seen!.range).toEqual(text.find('beta', 2))
    editor.destroy()
  })

  it('takes a plain-text range too, and reads one thread back', async () => {
    const { doc, editor } = await docWithText('Range me please.')
    const response = await api(`/api/docs/${doc.id}/comments`, { method: 'POST', key: doc.keys.edit, body: { from: 0, to: 8, text: 'This bit.' } })
    expect(response.status).toBe(201)
    const { id } = (await response.json()) as CommentThreadInfo
    const read = (await (await api(`/api/docs/${doc.id}/comments/${id}`, { key: doc.keys.view })).json()) as CommentThreadInfo
    expect(read).toMatchObject({ id, quote: 'Range me', anchoredText: 'Range me', author: 'API' })
    await expectError(await api(`/api/docs/${doc.id}/comments/nothing-here`, { key: doc.keys.view }), 404, 'no_comment')
    editor.destroy()
  })

  it('answers, resolves, reopens and lists by status', async () => {
    const { doc, editor } = await docWithText('One thing. Another thing.')
    const start = async (quote: string) =>
      (
        (await (
          await api(`/api/docs/${doc.id}/comments`, { method: 'POST', key: doc.keys.comment, body: { quote, text: `On ${quote}` } })
        ).json()) as CommentThreadInfo
      ).id
    const first = await start('One')
    const second = await start('Another')
    const replied = await api(`/api/docs/${doc.id}/comments/${first}/replies`, {
      method: 'POST',
      key: doc.keys.edit,
      body: { text: 'Agreed, @Ada.', author: { name: 'Bo' } },
    })
    expect(replied.status).toBe(201)
    expect(((await replied.json()) as CommentThreadInfo).messages.map(({ text }) => text)).toEqual(['On One', 'Agreed, @Ada.'])

    const resolved = await api(`/api/docs/${doc.id}/comments/${first}/resolve`, { method: 'POST', key: doc.keys.comment, body: { author: { name: 'Bo' } } })
    expect(((await resolved.json()) as CommentThreadInfo).resolvedBy).toBe('Bo')
    expect((await threadsOf(doc, 'open')).map(({ id }) => id)).toEqual([second])
    expect((await threadsOf(doc, 'resolved')).map(({ id }) => id)).toEqual([first])
    expect((await threadsOf(doc, 'all')).map(({ id }) => id)).toEqual([first, second])
    await waitFor('the editor to see the resolution', () => readThreads(editor.doc).find(({ id }) => id === first)?.resolved === true)

    // Resolved in an editor (as the page does it): the API lists it as resolved.
    ;(editor.doc.getMap('comments').get(second) as Y.Map<unknown>).set('resolved', true)
    await waitFor('the API to list both as resolved', async () => (await threadsOf(doc, 'resolved')).length === 2)

    const reopened = await api(`/api/docs/${doc.id}/comments/${first}/reopen`, { method: 'POST', key: doc.keys.edit })
    expect(((await reopened.json()) as CommentThreadInfo).resolved).toBe(false)
    expect((await threadsOf(doc, 'open')).map(({ id }) => id)).toEqual([first])
    editor.destroy()
  })

  it('lets authors edit and delete their own messages, and the owner delete any thread', async () => {
    const { doc, editor } = await docWithText('Own words.')
    const created = (await (
      await api(`/api/docs/${doc.id}/comments`, { method: 'POST', key: doc.keys.comment, body: { quote: 'words', text: 'Mine.', author: { name: 'Ada' } } })
    ).json()) as CommentThreadInfo
    const messageId = created.messages[0]!.id
    const path = `/api/docs/${doc.id}/comments/${created.id}/messages/${messageId}`
    await expectError(await api(path, { method: 'PATCH', key: doc.keys.comment, body: { text: 'Not mine.', author: { name: 'Bo' } } }), 403, 'forbidden')
    const edited = await api(path, { method: 'PATCH', key: doc.keys.comment, body: { text: 'Mine, edited.', author: { name: 'Ada' } } })
    expect(((await edited.json()) as CommentThreadInfo).messages[0]).toMatchObject({ text: 'Mine, edited.', editedAt: expect.any(String) })

    await expectError(await api(`${path}?author=Bo`, { method: 'DELETE', key: doc.keys.edit }), 403, 'forbidden')
    const deleted = await api(`${path}?author=Ada`, { method: 'DELETE', key: doc.keys.comment })
    expect(((await deleted.json()) as CommentThreadInfo).messages[0]).toMatchObject({ text: '', deleted: true })

    await expectError(await api(`/api/docs/${doc.id}/comments/${created.id}`, { method: 'DELETE', key: doc.keys.edit }), 403, 'forbidden')
    expect((await api(`/api/docs/${doc.id}/comments/${created.id}`, { method: 'DELETE', key: doc.keys.owner })).status).toBe(204)
    expect(await threadsOf(doc, 'all')).toEqual([])
    await waitFor('the editor to see the thread go', () => readThreads(editor.doc).length === 0)
    editor.destroy()
  })

  it('says when the passage was deleted, and keeps the thread', async () => {
    const { doc, editor } = await docWithText('Doomed sentence. Kept sentence.')
    await api(`/api/docs/${doc.id}/comments`, { method: 'POST', key: doc.keys.comment, body: { quote: 'Doomed sentence.', text: 'Cut this?' } })
    await waitFor('the editor to see the thread', () => readThreads(editor.doc).length === 1)
    const run = (contentOf(editor.doc).get(0) as Y.XmlElement).get(0) as Y.XmlText
    run.delete(0, 'Doomed sentence. '.length)
    await waitFor('the API to say "deleted"', async () => (await threadsOf(doc))[0]?.anchoredText === null)
    expect((await threadsOf(doc))[0]!.quote).toBe('Doomed sentence.')
    editor.destroy()
  })

  it('refuses a view key, a missing key, and bad input, with the contract’s errors', async () => {
    const { doc, editor } = await docWithText('Guarded text.')
    const post = (body: unknown, key = doc.keys.comment) => api(`/api/docs/${doc.id}/comments`, { method: 'POST', key, body })
    await expectError(await post({ quote: 'Guarded', text: 'Hi.' }, doc.keys.view), 403, 'forbidden')
    expect((await post({ quote: 'Guarded', text: 'Hi.' }, '')).status).toBe(401)
    await expectError(await post({ quote: 'Absent', text: 'Hi.' }), 400, 'no_passage')
    await expectError(await post({ quote: 'Guarded', text: '   ' }), 400, 'bad_request')
    await expectError(await post({ text: 'No passage given.' }), 400, 'bad_request')
    await expectError(await post({ quote: 'Guarded', text: 'Hi.', extra: 1 }), 400, 'bad_request')
    await expectError(await post({ quote: 'Guarded', text: 'x'.repeat(CommentLimits.maxMessageLength + 1) }), 413, 'comment_too_long')
    await expectError(await api(`/api/docs/${doc.id}/comments?status=maybe`, { key: doc.keys.view }), 400, 'bad_request')
    expect(await threadsOf(doc, 'all')).toEqual([])
    editor.destroy()
  })

  it('answers 413 past the threads of a document and the replies of a thread', async () => {
    const { doc, editor } = await docWithText('Busy text.')
    const author = { name: 'Bulk', color: '#000000' }
    editor.doc.transact(() => {
      for (let i = 0; i < CommentLimits.maxThreads; i++) {
        const text = new DocText(contentOf(editor.doc))
        createThread(editor.doc, { anchor: text.anchorOf(text.find('Busy')!)!, quote: 'Busy', author, text: `Thread ${i}`, now: i })
      }
    })
    const [first] = readThreads(editor.doc)
    const messages = (editor.doc.getMap('comments').get(first!.id) as Y.Map<unknown>).get('messages') as Y.Array<Y.Map<unknown>>
    editor.doc.transact(() => {
      for (let i = 0; i < CommentLimits.maxReplies; i++)
        messages.push([
          new Y.Map<unknown>([
            ['id', `r${i}`],
            ['author', 'Bulk'],
            ['text', 'more'],
          ]),
        ])
    })
    await waitFor(
      'the threads to be stored',
      async () => readThreads(await serverState(server.collabUrl, doc.id, doc.keys.view)).length === CommentLimits.maxThreads,
    )
    await waitFor('the replies to be stored', async () => {
      const [stored] = readThreads(await serverState(server.collabUrl, doc.id, doc.keys.view))
      return stored?.messages.length === CommentLimits.maxReplies + 1
    })
    await expectError(
      await api(`/api/docs/${doc.id}/comments`, { method: 'POST', key: doc.keys.edit, body: { quote: 'text', text: 'One more.' } }),
      413,
      'too_many_comments',
    )
    await expectError(
      await api(`/api/docs/${doc.id}/comments/${first!.id}/replies`, { method: 'POST', key: doc.keys.edit, body: { text: 'One more.' } }),
      413,
      'too_many_comments',
    )
    editor.destroy()
  })

  it('is described in the OpenAPI document', async () => {
    const { paths } = (await (await api('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> }
    expect(Object.keys(paths['/api/docs/{id}/comments']!).sort()).toEqual(['get', 'post'])
    expect(Object.keys(paths['/api/docs/{id}/comments/{thread}']!).sort()).toEqual(['delete', 'get'])
    for (const path of ['replies', 'resolve', 'reopen']) expect(paths[`/api/docs/{id}/comments/{thread}/${path}`]).toHaveProperty('post')
    expect(Object.keys(paths['/api/docs/{id}/comments/{thread}/messages/{message}']!).sort()).toEqual(['delete', 'patch'])
  })
})

describe('exports with comments', () => {
  /** A document with two threads, one answered and one resolved, started through the API. */
  async function commented(): Promise<{ doc: TestDoc; editor: TestClient; first: CommentThreadInfo }> {
    const { doc, editor } = await docWithText('Alpha **beta** gamma. Delta.')
    const start = async (quote: string, text: string) =>
      (await (
        await api(`/api/docs/${doc.id}/comments`, { method: 'POST', key: doc.keys.comment, body: { quote, text, author: { name: 'Ada' } } })
      ).json()) as CommentThreadInfo
    const first = await start('beta', 'Is <b>this</b> *right*?')
    await api(`/api/docs/${doc.id}/comments/${first.id}/replies`, { method: 'POST', key: doc.keys.edit, body: { text: 'Yes.', author: { name: 'Bo' } } })
    const second = await start('Delta', 'Drop it.')
    await api(`/api/docs/${doc.id}/comments/${second.id}/resolve`, { method: 'POST', key: doc.keys.edit, body: { author: { name: 'Bo' } } })
    return { doc, editor, first }
  }
  const exported = async (doc: TestDoc, query: string) => (await api(`/api/docs/${doc.id}/export?${query}`, { key: doc.keys.view })).text()

  it('puts footnotes in Markdown, and nothing without comments=true', async () => {
    const { doc, editor } = await commented()
    expect(await exported(doc, 'format=markdown')).toBe('Alpha **beta** gamma. Delta.')
    const markdown = await exported(doc, 'format=markdown&comments=true')
    expect(markdown).toContain('Alpha **beta[^1]** gamma. Delta[^2].')
    expect(markdown).toMatch(
      /\n\n\[\^1\]: “beta”: \*\*Ada\*\* \(\d{4}-\d\d-\d\d\): Is \\<b\\>this\\<\/b\\> \\\*right\\\*\? — \*\*Bo\*\* \(\d{4}-\d\d-\d\d\): Yes\.\n/,
    )
    expect(markdown).toMatch(/\[\^2\]: “Delta” \(resolved by Bo\): \*\*Ada\*\*/)
    expect(await exported(doc, 'format=text&comments=true')).toContain('Alpha beta[1] gamma. Delta[2].\n\nComments\n\n[1] “beta”\n    Ada (')
    editor.destroy()
  })

  it('puts an <aside> in HTML, its text escaped', async () => {
    const { doc, editor } = await commented()
    const html = await exported(doc, 'format=html&comments=true')
    expect(html).toContain('<strong>beta<sup class="comment-ref"><a href="#comment-1" id="comment-ref-1">1</a></sup></strong>')
    expect(html).toMatch(/<aside class="comments" aria-label="Comments"><h2>Comments<\/h2><ol><li id="comment-1">/)
    expect(html).toContain('Is &lt;b&gt;this&lt;/b&gt; *right*?')
    expect(html).not.toContain('<b>this</b>')
    expect(html.indexOf('<aside')).toBeLessThan(html.indexOf('</body>'))
    editor.destroy()
  })

  it('carries the threads in JSON, beside the content', async () => {
    const { doc, editor, first } = await commented()
    const json = JSON.parse(await exported(doc, 'format=json')) as { type: string; comments: CommentThreadInfo[] }
    expect(json.type).toBe('doc')
    expect(json.comments.map(({ id, quote, resolved }) => [id === first.id, quote, resolved])).toEqual([
      [true, 'beta', false],
      [false, 'Delta', true],
    ])
    editor.destroy()
  })

  it('gives a version the comments it had', async () => {
    const { doc, editor, first } = await commented()
    const saved = await api(`/api/docs/${doc.id}/versions`, { method: 'POST', key: doc.keys.edit, body: { name: 'Reviewed' } })
    const { v } = (await saved.json()) as { v: number }
    expect((await api(`/api/docs/${doc.id}/comments/${first.id}`, { method: 'DELETE', key: doc.keys.owner })).status).toBe(204)
    expect(await threadsOf(doc, 'all')).toHaveLength(1)
    const version = JSON.parse(await (await api(`/api/docs/${doc.id}/versions/${v}?format=json`, { key: doc.keys.view })).text()) as {
      comments: CommentThreadInfo[]
    }
    expect(version.comments.map(({ quote }) => quote)).toEqual(['beta', 'Delta'])
    expect(await (await api(`/api/docs/${doc.id}/versions/${v}?format=markdown&comments=true`, { key: doc.keys.view })).text()).toContain('beta[^1]')
    editor.destroy()
  })
})
