import { getSchema } from '@tiptap/core'
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONTENT_FIELD, TITLE_FIELD } from '@quire/shared'
import { documentExtensions } from '@quire/shared/schema'
import { connectClient, serverState } from '../helpers/clients.js'
import { createDoc, startServer, type TestDoc, type TestServer } from '../helpers/server.js'
import { docxText } from '../helpers/libreoffice.js'
import { waitFor } from '../helpers/wait.js'
import { everyNode } from '../fixtures/every-node.js'
import { expectedHtmlBody, expectedMarkdown, expectedText } from '../fixtures/every-node-exports.js'

let server: TestServer
let doc: TestDoc

const exportAs = (format: string, key = doc.keys.view, id = doc.id) =>
  fetch(`${server.url}/api/docs/${id}/export?format=${format}`, { headers: { authorization: `Bearer ${key}` } })

beforeAll(async () => {
  server = await startServer()
  doc = await createDoc(server.url, { title: 'Quarterly plan' })
  // An editor writes every node and mark of the schema, the way Tiptap's Collaboration does.
  const editor = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
  prosemirrorJSONToYXmlFragment(getSchema(documentExtensions()), everyNode, editor.doc.getXmlFragment(CONTENT_FIELD))
  await waitFor(
    'the content to reach the server',
    async () => (await serverState(server.collabUrl, doc.id, doc.keys.view)).getXmlFragment(CONTENT_FIELD).length === everyNode.content!.length,
  )
  editor.destroy()
})
afterAll(async () => {
  await server.close()
})

describe('export', () => {
  it('renders Markdown faithfully, as an attachment named after the title', async () => {
    const response = await exportAs('markdown')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/markdown; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''Quarterly%20plan.md")
    expect(await response.text()).toBe(expectedMarkdown)
  })

  it('renders HTML as a page, with the title escaped', async () => {
    const response = await exportAs('html')
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const html = await response.text()
    expect(html).toContain('<title>Quarterly plan</title>')
    expect(html).toContain(`<body>\n${expectedHtmlBody}\n</body>`)
  })

  it('renders plain text and ProseMirror JSON', async () => {
    expect(await (await exportAs('text')).text()).toBe(expectedText)
    const json = (await (await exportAs('json')).json()) as typeof everyNode
    expect(json.type).toBe('doc')
    expect(json.content!.map((node) => node.type)).toEqual(everyNode.content!.map((node) => node.type))
  })

  it('renders a Word file that LibreOffice opens, with the headings, lists, tasks, code and the table’s text', async () => {
    const response = await exportAs('docx')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
    expect(response.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''Quarterly%20plan.docx")
    const lines = (await docxText(new Uint8Array(await response.arrayBuffer()))).split(/\r?\n/).map((line) => line.trim())
    // The title is the first heading already: it is not repeated.
    expect(lines.filter((line) => line === 'Quarterly plan')).toHaveLength(1)
    for (const line of ['Plain, bold, italic, struck, code and a link.', '• first', '◦ nested', '1. one', 'a. one.one', '2. two', '☒ done', '☐ to do']) {
      expect(lines).toContain(line)
    }
    for (const line of ['Well said.', 'const answer = 42', 'console.log(answer)', 'line one', 'line two']) expect(lines).toContain(line)
    // The table's cells, in reading order.
    const table = lines.indexOf('Owner')
    expect(lines.slice(table, table + 6)).toEqual(['Owner', 'Task', 'Ana', 'Budget', 'Ben', 'Hiring | interviews'])
  }, 120_000)

  it('defaults to Markdown, with any valid key, and refuses unknown formats', async () => {
    for (const key of Object.values(doc.keys)) {
      const response = await fetch(`${server.url}/api/docs/${doc.id}/export?key=${key}`)
      expect(await response.text()).toBe(expectedMarkdown)
    }
    const response = await exportAs('pdf')
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'bad_request' })
  })

  it('exports what is being edited right now', async () => {
    const editor = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    editor.doc.getText(TITLE_FIELD).insert(0, 'Live: ')
    const fragment = editor.doc.getXmlFragment(CONTENT_FIELD)
    prosemirrorJSONToYXmlFragment(
      getSchema(documentExtensions()),
      { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'typed just now' }] }] },
      fragment,
    )
    await waitFor('the export to show the new paragraph', async () => (await (await exportAs('markdown')).text()).includes('typed just now'))
    expect((await exportAs('markdown')).headers.get('content-disposition')).toContain('Live%20Quarterly%20plan.md')
    editor.destroy()
  })
})
