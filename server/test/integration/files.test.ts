import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getSchema } from '@tiptap/core'
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap'
import { CONTENT_FIELD } from '@quire/shared'
import { documentExtensions } from '@quire/shared/schema'
import { connectClient, serverState } from '../helpers/clients.js'
import { docxHtml } from '../helpers/libreoffice.js'
import { createDoc, keyOf, startServer, type TestServer } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'
import { compactStore } from '../../src/admin/store-tasks.js'

const fixture = async (name: string) => new Uint8Array(await readFile(new URL(`../fixtures/images/${name}`, import.meta.url)))
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

let server: TestServer
let png: Uint8Array
let jpeg: Uint8Array

beforeAll(async () => {
  // Small limits, so that passing them takes small files.
  server = await startServer({ config: { logLevel: 'trace', maxFileBytes: 4096, maxFileBytesPerDocument: 1400, maxImagePixels: 10_000 } })
  png = await fixture('pixels.png')
  jpeg = await fixture('pixels.jpg')
})
afterAll(async () => {
  await server.close()
})

const upload = (id: string, key: string | undefined, body: Uint8Array | string, type = 'image/png') =>
  fetch(`${server.url}/api/docs/${id}/files`, {
    method: 'POST',
    headers: { 'content-type': type, ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: typeof body === 'string' ? body : Buffer.from(body),
  })
const download = (id: string, hash: string, key: string) => fetch(`${server.url}/api/docs/${id}/files/${hash}`, { headers: { authorization: `Bearer ${key}` } })

describe('images', () => {
  it('takes an image from an owner or edit key, and answers its hash and size', async () => {
    const doc = await createDoc(server.url)
    const response = await upload(doc.id, doc.keys.edit, png, 'application/octet-stream')
    expect(response.status).toBe(201)
    expect(await response.json()).toEqual({ hash: sha256(png), type: 'image/png', size: png.length, width: 3, height: 2 })
    // The same bytes again: the same file, nothing more stored.
    expect((await upload(doc.id, doc.keys.owner, png)).status).toBe(201)
    expect(await server.store.listFiles(doc.id)).toHaveLength(1)
  })

  it('serves it to every key of the document, view included, as an image that is never sniffed and cached privately', async () => {
    const doc = await createDoc(server.url)
    const { hash } = (await (await upload(doc.id, doc.keys.edit, jpeg, 'image/png')).json()) as { hash: string }
    for (const key of Object.values(doc.keys)) {
      const response = await download(doc.id, hash, key)
      expect(response.status).toBe(200)
      // The type comes from the bytes, not from what the upload claimed.
      expect(response.headers.get('content-type')).toBe('image/jpeg')
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(response.headers.get('cache-control')).toBe('private, max-age=31536000, immutable')
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox")
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(jpeg)
    }
    expect((await download(doc.id, '0'.repeat(64), doc.keys.view)).status).toBe(404)
    expect((await download(doc.id, 'not-a-hash', doc.keys.view)).status).toBe(400)
    // Another document's key opens nothing here.
    const other = await createDoc(server.url)
    expect((await download(doc.id, hash, other.keys.owner)).status).toBe(403)
    expect((await download(other.id, hash, other.keys.owner)).status).toBe(404)
  })

  it('refuses a view key (403) and no key (401) before reading the body', async () => {
    const doc = await createDoc(server.url)
    const view = await upload(doc.id, doc.keys.view, png)
    expect(view.status).toBe(403)
    expect(await view.json()).toMatchObject({ error: 'forbidden' })
    expect((await upload(doc.id, undefined, png)).status).toBe(401)
    expect(await server.store.listFiles(doc.id)).toEqual([])
  })

  it.each([
    ['an HTML page sent as a PNG', '<!doctype html><script>alert(1)</script>', 'image/png'],
    ['an SVG', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'image/svg+xml'],
    ['a truncated PNG', 'truncated', 'image/png'],
  ])('refuses %s with 415', async (name, body, type) => {
    const doc = await createDoc(server.url)
    const response = await upload(doc.id, doc.keys.edit, name === 'a truncated PNG' ? png.subarray(0, 40) : body, type)
    expect(response.status).toBe(415)
    expect(await response.json()).toMatchObject({ error: 'not_an_image', message: expect.stringMatching(/PNG, JPEG, GIF and WebP/) })
  })

  it('refuses a file over MAX_FILE_BYTES, images past MAX_FILE_BYTES_PER_DOCUMENT, and more pixels than MAX_IMAGE_PIXELS (413)', async () => {
    const doc = await createDoc(server.url)
    const big = new Uint8Array(5000)
    big.set(png)
    const tooBig = await upload(doc.id, doc.keys.edit, big)
    expect(tooBig.status).toBe(413)
    expect(await tooBig.json()).toMatchObject({ error: 'too_large' })

    // 101 + 805 bytes fit in 1400; the 558 of the WebP would not.
    expect((await upload(doc.id, doc.keys.edit, png)).status).toBe(201)
    expect((await upload(doc.id, doc.keys.edit, jpeg)).status).toBe(201)
    const full = await upload(doc.id, doc.keys.edit, await fixture('pixels.webp'))
    expect(full.status).toBe(413)
    expect(await full.json()).toMatchObject({ error: 'files_full' })
    // A file the document already has costs nothing.
    expect((await upload(doc.id, doc.keys.edit, jpeg)).status).toBe(201)

    // 10 000×2 pixels, declared in the header of a file of 101 bytes.
    const wide = Uint8Array.from(png)
    new DataView(wide.buffer).setUint32(16, 10_000)
    const other = await createDoc(server.url)
    const pixels = await upload(other.id, other.keys.edit, wide)
    expect(pixels.status).toBe(413)
    expect(await pixels.json()).toMatchObject({ error: 'too_many_pixels' })
  })

  it('stops serving to old keys after a rotation, and deletes the files with their document', async () => {
    const doc = await createDoc(server.url)
    const { hash } = (await (await upload(doc.id, doc.keys.edit, png)).json()) as { hash: string }
    const rotated = (await (
      await fetch(`${server.url}/api/docs/${doc.id}/links/rotate`, { method: 'POST', headers: { authorization: `Bearer ${doc.keys.owner}` } })
    ).json()) as {
      links: { view: string }
    }
    expect((await download(doc.id, hash, doc.keys.view)).status).toBe(403)
    expect((await download(doc.id, hash, keyOf(rotated.links.view))).status).toBe(200)

    expect((await fetch(`${server.url}/api/docs/${doc.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${doc.keys.owner}` } })).status).toBe(204)
    expect((await download(doc.id, hash, doc.keys.owner)).status).toBe(404)
    expect(await server.store.getFile(doc.id, hash)).toBeUndefined()
    expect(await server.store.listFiles(doc.id)).toEqual([])
  })

  it('never writes a key into the logs', async () => {
    const doc = await createDoc(server.url)
    const { hash } = (await (await upload(doc.id, doc.keys.edit, png)).json()) as { hash: string }
    await fetch(`${server.url}/api/docs/${doc.id}/files/${hash}?key=${doc.keys.view}`)
    await upload(doc.id, doc.keys.view, png)
    const logs = server.logs.join('')
    expect(logs).toContain(`/files/${hash}?key=[redacted]`)
    for (const key of Object.values(doc.keys)) expect(logs).not.toContain(key)
  })

  it('keeps images in the exports: inline in HTML and Markdown, embedded in the Word file; JSON holds only the hash', async () => {
    const doc = await createDoc(server.url, { title: 'Logo' })
    const { hash } = (await (await upload(doc.id, doc.keys.edit, png)).json()) as { hash: string }
    const editor = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    const content = [
      { type: 'paragraph', content: [{ type: 'text', text: 'Our logo:' }] },
      { type: 'image', attrs: { file: hash, alt: 'The logo', width: 120 } },
    ]
    prosemirrorJSONToYXmlFragment(getSchema(documentExtensions()), { type: 'doc', content }, editor.doc.getXmlFragment(CONTENT_FIELD))
    await waitFor(
      'the image to reach the server',
      async () => (await serverState(server.collabUrl, doc.id, doc.keys.view)).getXmlFragment(CONTENT_FIELD).length === 2,
    )
    editor.destroy()
    const exported = (format: string) =>
      fetch(`${server.url}/api/docs/${doc.id}/export?format=${format}`, { headers: { authorization: `Bearer ${doc.keys.view}` } })
    const base64 = Buffer.from(png).toString('base64')

    expect(await (await exported('html')).text()).toContain(`<img src="data:image/png;base64,${base64}" data-file="${hash}" alt="The logo" width="120">`)
    expect(await (await exported('markdown')).text()).toContain(`![The logo](data:image/png;base64,${base64})`)
    const json = (await (await exported('json')).json()) as { content: unknown[] }
    expect(json.content[1]).toEqual({ type: 'image', attrs: { file: hash, alt: 'The logo', width: 120 } })
    expect(JSON.stringify(json)).not.toContain(doc.keys.view)

    // LibreOffice finds the picture in the Word file, with its alt text.
    const { output, files } = await docxHtml(new Uint8Array(await (await exported('docx')).arrayBuffer()))
    expect(output).toMatch(/<img [^>]*alt="The logo"/)
    expect(files.filter((name) => name.endsWith('.png'))).toHaveLength(1)
  }, 120_000)

  it('compaction removes images no state refers to after the grace period, and keeps what a kept version needs', async () => {
    const doc = await createDoc(server.url, { title: 'Gallery' })
    const hashOf = async (bytes: Uint8Array) => ((await (await upload(doc.id, doc.keys.edit, bytes)).json()) as { hash: string }).hash
    // Another small PNG (its header says 2×2): the one nothing will refer to.
    const other = Uint8Array.from(png)
    new DataView(other.buffer).setUint32(16, 2)
    const [live, versioned, orphan] = [await hashOf(png), await hashOf(jpeg), await hashOf(other)]
    const image = (file: string) => ({ type: 'image', attrs: { file, alt: '' } })
    const editor = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    const fragment = editor.doc.getXmlFragment(CONTENT_FIELD)
    const schema = getSchema(documentExtensions())
    prosemirrorJSONToYXmlFragment(schema, { type: 'doc', content: [image(live), image(versioned)] }, fragment)
    await waitFor(
      'both images on the server',
      async () => (await serverState(server.collabUrl, doc.id, doc.keys.view)).getXmlFragment(CONTENT_FIELD).length === 2,
    )
    // A named version keeps the second image; then it leaves the text.
    const saved = await fetch(`${server.url}/api/docs/${doc.id}/versions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${doc.keys.edit}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'With both' }),
    })
    expect(saved.status).toBe(201)
    editor.doc.transact(() => fragment.delete(1, 1))
    await waitFor(
      'one image left on the server',
      async () => (await serverState(server.collabUrl, doc.id, doc.keys.view)).getXmlFragment(CONTENT_FIELD).length === 1,
    )
    editor.destroy()

    const hashes = async () => (await server.store.listFiles(doc.id)).map(({ hash }) => hash).sort()
    // Within the grace period, nothing goes.
    await compactStore(server.store, () => {}, 3600_000)
    expect(await hashes()).toEqual([live, versioned, orphan].sort())
    await compactStore(server.store, () => {}, 0)
    expect(await hashes()).toEqual([live, versioned].sort())
  })
})
