import { getSchema } from '@tiptap/core'
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CONTENT_FIELD, type VersionInfo } from '@quire/shared'
import { documentExtensions } from '@quire/shared/schema'
import { connectClient, openClient, serverState, type TestClient } from '../helpers/clients.js'
import { STORE_KINDS, type StoreKind } from '../helpers/homes.js'
import { createDoc, freePort, startServerOn, type TestDoc, type TestServer } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

const schema = getSchema(documentExtensions())
let server: TestServer | undefined
const clients: TestClient[] = []
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy()
  await server?.close()
  server = undefined
})

async function start(kind: StoreKind, config = {}, port = 0): Promise<TestServer> {
  server = await startServerOn(kind, { config: { versionAfterIdleMs: 1_000, versionEveryMs: 60_000, port, ...config } })
  return server
}

async function connect(doc: TestDoc, key: string, name: string): Promise<TestClient> {
  const client = await connectClient(server!.collabUrl, doc.id, key)
  client.provider.awareness.setLocalStateField('user', { name, color: '#333' })
  clients.push(client)
  return client
}

/** Types paragraphs as the editor would store them. */
function write(client: TestClient, ...paragraphs: string[]): void {
  const fragment = client.doc.getXmlFragment(CONTENT_FIELD)
  client.doc.transact(() => {
    fragment.delete(0, fragment.length)
    prosemirrorJSONToYXmlFragment(
      schema,
      { type: 'doc', content: paragraphs.map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] })) },
      fragment,
    )
  })
}

const api = (path: string, key: string, init: RequestInit = {}) =>
  fetch(`${server!.url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } })

async function versionsOf(doc: TestDoc, key = doc.keys.view): Promise<VersionInfo[]> {
  return ((await (await api(`/api/docs/${doc.id}/versions`, key)).json()) as { versions: VersionInfo[] }).versions
}

const paragraphs = (ydoc: Y.Doc) =>
  ydoc
    .getXmlFragment(CONTENT_FIELD)
    .toArray()
    .map((node) => (node as Y.XmlElement).toArray().join(''))

describe.each(STORE_KINDS)('version history on %s', (kind) => {
  it('takes a version once editing settles, naming the people who edited', async () => {
    await start(kind)
    const doc = await createDoc(server!.url, { title: 'Plan' })
    const ada = await connect(doc, doc.keys.edit, 'Ada')
    const bob = await connect(doc, doc.keys.edit, 'Bob')
    await waitFor('presence to arrive', () => bob.provider.awareness.getStates().get(ada.doc.clientID)?.user)
    write(ada, 'first draft')
    await waitFor('Ada’s edit to land', () => paragraphs(bob.doc).includes('first draft'))
    bob.doc.getText('title').insert(4, ' B')
    const [version] = await waitFor('a version after the burst settles', async () => {
      const versions = await versionsOf(doc)
      return versions.length > 0 && versions
    })
    expect(version).toMatchObject({ v: 1, kind: 'auto', name: null, restoredFrom: null })
    expect(version!.authors.sort()).toEqual(['Ada', 'Bob'])
    expect(version!.bytes).toBeGreaterThan(0)
    expect(await (await api(`/api/docs/${doc.id}/versions/1?format=text`, doc.keys.view)).text()).toBe('first draft\n')
  })

  it('saves a named version by hand, lists newest first, and lets view keys read but not write', async () => {
    await start(kind)
    const doc = await createDoc(server!.url, { title: 'Review' })
    const ada = await connect(doc, doc.keys.edit, 'Ada')
    write(ada, 'ready for review')
    const saved = await api(`/api/docs/${doc.id}/versions`, doc.keys.edit, { method: 'POST', body: JSON.stringify({ name: 'Review draft' }) })
    expect(saved.status).toBe(201)
    const named = (await saved.json()) as VersionInfo
    expect(named).toMatchObject({ kind: 'named', name: 'Review draft' })
    expect(await (await api(`/api/docs/${doc.id}/versions/${named.v}?format=markdown`, doc.keys.view)).text()).toBe('# Review\n\nready for review')
    // One version's metadata also tells the title it had, so an editor can bring the title back too.
    const title = ada.doc.getText('title')
    ada.doc.transact(() => {
      title.delete(0, title.length)
      title.insert(0, 'Later title')
    })
    await waitFor('the new title to land', async () => {
      const stored = await serverState(server!.collabUrl, doc.id, doc.keys.view)
      const landed = stored.getText('title').toString() === 'Later title'
      stored.destroy()
      return landed
    })
    expect(await (await api(`/api/docs/${doc.id}/versions/${named.v}`, doc.keys.view)).json()).toEqual({ ...named, title: 'Review' })

    expect((await api(`/api/docs/${doc.id}/versions`, doc.keys.view, { method: 'POST', body: JSON.stringify({ name: 'x' }) })).status).toBe(403)
    expect((await api(`/api/docs/${doc.id}/versions/${named.v}/restore`, doc.keys.view, { method: 'POST' })).status).toBe(403)
    expect((await api(`/api/docs/${doc.id}/versions`, doc.keys.edit, { method: 'POST', body: '{}' })).status).toBe(400)
    expect((await api(`/api/docs/${doc.id}/versions/999`, doc.keys.view)).status).toBe(404)
    expect((await api(`/api/docs/${doc.id}/versions/0`, doc.keys.view)).status).toBe(400)
    write(ada, 'after review')
    await api(`/api/docs/${doc.id}/versions`, doc.keys.owner, { method: 'POST', body: JSON.stringify({ name: 'Final' }) })
    expect((await versionsOf(doc)).map((version) => version.name)).toEqual(['Final', 'Review draft'])
  })

  it('shows what changed since a version, block by block and word by word', async () => {
    await start(kind)
    const doc = await createDoc(server!.url)
    const ada = await connect(doc, doc.keys.edit, 'Ada')
    write(ada, 'Intro', 'The quick fox', 'Gone')
    const { v } = (await (
      await api(`/api/docs/${doc.id}/versions`, doc.keys.edit, { method: 'POST', body: JSON.stringify({ name: 'before' }) })
    ).json()) as VersionInfo
    write(ada, 'Intro', 'The slow fox', 'Fresh')
    await waitFor('the edit to land', async () => paragraphs(await serverState(server!.collabUrl, doc.id, doc.keys.view)).includes('Fresh'))
    const diff = await (await api(`/api/docs/${doc.id}/versions/${v}/diff`, doc.keys.view)).json()
    expect(diff).toEqual({
      blocks: [
        { op: 'same', text: 'Intro' },
        {
          op: 'changed',
          words: [
            { op: 'same', text: 'The ' },
            { op: 'removed', text: 'quick' },
            { op: 'added', text: 'slow' },
            { op: 'same', text: ' fox' },
          ],
        },
        {
          op: 'changed',
          words: [
            { op: 'removed', text: 'Gone' },
            { op: 'added', text: 'Fresh' },
          ],
        },
      ],
    })
  })

  it('restores a version for two live editors and an offline copy, which all converge with the offline edits; the restore is in the history', async () => {
    const port = await freePort()
    await start(kind, {}, port)
    const doc = await createDoc(server!.url, { title: 'Story' })
    const ada = await connect(doc, doc.keys.edit, 'Ada')
    const bob = await connect(doc, doc.keys.edit, 'Bob')
    write(ada, 'once upon a time')
    const { v } = (await (
      await api(`/api/docs/${doc.id}/versions`, doc.keys.edit, { method: 'POST', body: JSON.stringify({ name: 'opening' }) })
    ).json()) as VersionInfo
    write(ada, 'a different start', 'and more')
    ada.doc.getText('title').insert(5, ' (draft)')
    await waitFor('bob to see the rewrite', () => paragraphs(bob.doc).includes('and more'))

    // Carol goes offline with the rewrite, and keeps writing.
    const carol = await connect(doc, doc.keys.edit, 'Carol')
    await waitFor('carol to have the rewrite', () => paragraphs(carol.doc).includes('and more'))
    carol.provider.disconnect()
    // A new paragraph: the restore replaces the blocks it knows, and merges with new ones.
    const offlineParagraph = new Y.XmlElement('paragraph')
    offlineParagraph.insert(0, [new Y.XmlText('written offline')])
    carol.doc.getXmlFragment(CONTENT_FIELD).insert(2, [offlineParagraph])

    const restored = await api(`/api/docs/${doc.id}/versions/${v}/restore`, doc.keys.edit, { method: 'POST' })
    expect(restored.status).toBe(200)
    const { version } = (await restored.json()) as { version: VersionInfo }
    expect(version).toMatchObject({ kind: 'restore', restoredFrom: v, authors: expect.arrayContaining(['API']) })
    for (const editor of [ada, bob]) {
      await waitFor(
        'the restore to reach a live editor',
        () => paragraphs(editor.doc).join('|') === 'once upon a time' && editor.doc.getText('title').toString() === 'Story',
      )
    }

    carol.provider.connect()
    const expected = ['once upon a time', 'written offline']
    for (const editor of [ada, bob, carol]) {
      await waitFor('everyone to converge with the offline edit', () => paragraphs(editor.doc).sort().join('|') === expected.join('|'))
    }
    const state = paragraphs(await serverState(server!.collabUrl, doc.id, doc.keys.view))
    expect(state.sort()).toEqual(expected)
    expect(paragraphs(carol.doc)).toEqual(paragraphs(ada.doc))
    expect((await versionsOf(doc)).map((entry) => entry.kind)).toContain('restore')
  })

  it('prunes automatic versions by the retention policy, never named ones', async () => {
    await start(kind, { versionsKeepAllHours: 0, versionsKeepHourlyDays: 30 })
    const doc = await createDoc(server!.url)
    const ada = await connect(doc, doc.keys.edit, 'Ada')
    await api(`/api/docs/${doc.id}/versions`, doc.keys.edit, { method: 'POST', body: JSON.stringify({ name: 'keep me' }) })
    // The hour each automatic version was taken in, read before a later one prunes it.
    const hourOf = new Map<number, number>()
    for (let round = 1; round <= 3; round++) {
      ada.doc.getText('t').insert(0, String(round))
      await waitFor(`automatic version ${round}`, async () => {
        const autos = (await versionsOf(doc)).filter((version) => version.kind === 'auto')
        for (const version of autos) hourOf.set(version.v, Math.floor(Date.parse(version.createdAt) / 3_600_000))
        return autos.some((version) => version.v === round + 1)
      })
    }
    // The newest of each hour stays (one hour, unless the test ran across the turn of one);
    // the older automatic ones of the same hour go.
    const autos = [4, 3, 2]
    const newestOfHour = autos.filter((v) => !autos.some((later) => later > v && hourOf.get(later) === hourOf.get(v)))
    const expected = [...newestOfHour.map((v) => `${v}:auto`), '1:named'].join(' ')
    const kept = async () => (await versionsOf(doc)).map((version) => `${version.v}:${version.kind}`).join(' ')
    await waitFor('the older automatic versions to be pruned', async () => (await kept()) === expected).catch(async (error) => {
      throw new Error(`${error.message}: ${await kept()}`)
    })
  })

  it('keeps versions across a link rotation and deletes them with the document', async () => {
    await start(kind)
    const doc = await createDoc(server!.url)
    await api(`/api/docs/${doc.id}/versions`, doc.keys.owner, { method: 'POST', body: JSON.stringify({ name: 'v1' }) })
    await api(`/api/docs/${doc.id}/links/rotate`, doc.keys.owner, { method: 'POST' })
    expect((await versionsOf(doc, doc.keys.owner)).length).toBe(1)
    await api(`/api/docs/${doc.id}`, doc.keys.owner, { method: 'DELETE' })
    expect(await server!.store.listVersions(doc.id)).toEqual([])
  })

  it('takes a version of unsaved changes when the document unloads', async () => {
    await start(kind, { versionAfterIdleMs: 60_000, unloadGraceMs: 50 })
    const doc = await createDoc(server!.url)
    const ada = openClient(server!.collabUrl, doc.id, doc.keys.edit)
    await waitFor('sync', () => ada.provider.synced)
    ada.doc.getText('t').insert(0, 'last words')
    await waitFor('the edit to land', async () => (await serverState(server!.collabUrl, doc.id, doc.keys.view)).getText('t').length > 0)
    ada.destroy()
    await waitFor('a version on unload', async () => (await versionsOf(doc)).length === 1)
  })
})
