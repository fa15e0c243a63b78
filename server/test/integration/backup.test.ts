import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { startChildServer } from '../helpers/child-server.js'
import { runCli } from '../helpers/cli.js'
import { connectClient, serverState } from '../helpers/clients.js'
import { fixtures } from '../helpers/fixtures.js'
import { STORE_KINDS, testHome, type StoreKind, type TestHome } from '../helpers/homes.js'
import { createDoc, freePort, startServer, type TestServer } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

const ADMIN_TOKEN = 'an-admin-token-long-enough-for-the-rule'
const { clients, servers, dataDir: dir } = fixtures()
const homes: TestHome[] = []
afterEach(async () => {
  for (const home of homes.splice(0)) await home.remove()
})

async function home(kind: StoreKind): Promise<TestHome> {
  const made = await testHome(kind)
  homes.push(made)
  return made
}

async function start(on: TestHome, port = 0): Promise<TestServer> {
  const server = await startServer({ home: on, config: { port, adminToken: ADMIN_TOKEN } })
  servers.push(server)
  return server
}

describe.each(STORE_KINDS)('backup and restore on %s', (kind) => {
  it('backs up a running server during heavy editing; the restored server converges with the clients that come back', async () => {
    const port = await freePort()
    const source = await home(kind)
    const backupDir = join(await dir(), 'backup')
    const server = await start(source, port)
    const docs = await Promise.all([createDoc(server.url, { title: 'First' }), createDoc(server.url, { title: 'Second', content: '# Two' })])
    for (const doc of docs) {
      const writer = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
      clients.push(writer)
    }
    let typing = true
    const typed = (async () => {
      for (let i = 0; typing && i < 100_000; i++) {
        for (const writer of clients) writer.doc.getText('t').insert(writer.doc.getText('t').length, String(i % 10))
        await new Promise((resolve) => setTimeout(resolve, 2))
      }
    })()
    await waitFor('some typing to land', async () => (await serverState(server.collabUrl, docs[0]!.id, docs[0]!.keys.view)).getText('t').length > 50)
    const png = new Uint8Array(await readFile(new URL('../fixtures/images/pixels.png', import.meta.url)))
    const uploaded = await fetch(`${server.url}/api/docs/${docs[0]!.id}/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${docs[0]!.keys.edit}` },
      body: png,
    })
    const { hash } = (await uploaded.json()) as { hash: string }
    const backup = await runCli(['backup', backupDir, '--server', server.url], { ADMIN_TOKEN })
    expect(backup.stderr).toContain('backed up 2 documents and 0 versions (with 1 image)')
    expect(backup.code).toBe(0)
    // As private as the data folder: only the server's user reads it.
    const mode = async (path: string) => (await stat(path)).mode & 0o777
    expect(await mode(backupDir)).toBe(0o700)
    expect(await mode(join(backupDir, 'docs'))).toBe(0o700)
    const files = ['manifest.json', ...(await readdir(join(backupDir, 'docs'))).map((name) => join('docs', name))]
    expect(files).toHaveLength(5)
    for (const file of files) expect(await mode(join(backupDir, file)), file).toBe(0o600)
    await waitFor('more typing after the backup', async () => (await serverState(server.collabUrl, docs[0]!.id, docs[0]!.keys.view)).getText('t').length > 200)
    typing = false
    await typed

    // The server is lost; a new one comes back from the backup on the same address.
    await server.stop()
    const target = await home(kind)
    const restore = await runCli(['restore', backupDir], target.env)
    expect(restore.stderr).toContain('restored 2 documents')
    const restored = await start(target, port)
    for (const [i, doc] of docs.entries()) {
      const expected = clients[i]!.doc.getText('t').toString()
      await waitFor(
        'the clients to bring back what the backup missed',
        async () => (await serverState(restored.collabUrl, doc.id, doc.keys.view)).getText('t').toString() === expected,
        30_000,
      )
      const state = await serverState(restored.collabUrl, doc.id, doc.keys.view)
      expect(Y.encodeStateVector(state)).toEqual(Y.encodeStateVector(clients[i]!.doc))
      expect(state.getText('title').toString()).toBe(i === 0 ? 'First' : 'Second')
    }
    // Links made before the loss still open the documents: the secret came back too.
    expect((await fetch(`${restored.url}/api/docs/${docs[1]!.id}?key=${docs[1]!.keys.owner}`)).status).toBe(200)
    const image = await fetch(`${restored.url}/api/docs/${docs[0]!.id}/files/${hash}?key=${docs[0]!.keys.view}`)
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(png)
  })

  it('restores nothing from a damaged backup, and never over existing documents', async () => {
    const source = await home(kind)
    const backupDir = join(await dir(), 'backup')
    const server = await start(source)
    const doc = await createDoc(server.url, { title: 'Kept' })
    await server.stop()
    expect((await runCli(['backup', backupDir], source.env)).code).toBe(0)
    expect((await runCli(['backup', backupDir], source.env)).stderr).toContain('already exists')

    const intoUsed = await runCli(['restore', backupDir], source.env)
    expect(intoUsed.code).toBe(1)
    expect(intoUsed.stderr).toContain('already holds documents')

    await writeFile(join(backupDir, 'docs', `${doc.id}.yjs`), 'not yjs')
    const empty = await home(kind)
    const damaged = await runCli(['restore', backupDir], empty.env)
    expect(damaged.code).toBe(1)
    expect(damaged.stderr).toContain(`${doc.id}.yjs is not a Yjs document state`)
    expect((await runCli(['list'], empty.env)).stdout).toBe('')
  })

  it('lists, exports and compacts a stopped server’s store', async () => {
    const source = await home(kind)
    const server = await start(source)
    const doc = await createDoc(server.url, { title: 'Notes', content: '# Notes\n\n- one' })
    await server.stop()
    // A log left behind, as a killed server leaves it.
    const store = await source.openStore()
    const writer = new Y.Doc()
    writer.getText('t').insert(0, 'logged')
    await store.appendUpdates([{ docId: doc.id, updates: [Y.encodeStateAsUpdate(writer)] }])
    await store.close()

    const env = source.env
    expect((await runCli(['list'], env)).stdout).toMatch(new RegExp(`^${doc.id}\\t\\S+\\tNotes\\n$`))
    expect((await runCli(['export', doc.id], env)).stdout).toBe('# Notes\n\n- one\n')
    expect((await runCli(['export', doc.id, '--format', 'text'], env)).stdout).toBe('Notes\n\none\n')
    expect((await runCli(['compact'], env)).stderr).toContain('compacted 1 documents')
    expect((await runCli(['compact'], env)).stderr).toContain('compacted 0 documents')
    expect((await runCli(['export', doc.id], env)).stdout).toBe('# Notes\n\n- one\n')
    const compacted = await source.openStore()
    const stored = await compacted.loadDoc(doc.id)
    await compacted.close()
    expect(stored.log).toEqual([])
    const state = new Y.Doc()
    Y.applyUpdate(state, stored.base!)
    expect(state.getText('t').toString()).toBe('logged')
  })
})

describe('the quire command', () => {
  it.each([
    [['frobnicate'], 2, 'unknown command frobnicate'],
    [['export'], 2, 'export needs a document id'],
    [['export', 'bad id!'], 2, 'bad id! is not a document id'],
    [['export', 'nope', '--format', 'pdf'], 2, '--format must be one of'],
    [['backup'], 2, 'backup needs a directory'],
    [['list', 'extra'], 2, 'list takes no argument'],
    [['list', '--colour'], 2, "Unknown option '--colour'"],
    [['list', '--server', 'http://127.0.0.1:1'], 2, '--server needs ADMIN_TOKEN'],
    [['restore', 'x', '--server', 'http://127.0.0.1:1'], 2, 'restore works on the store itself'],
    [['export', 'missing-doc'], 2, 'there is no document missing-doc'],
    [['restore', 'no-such-dir'], 1, 'manifest.json is missing'],
  ])('refuses %j with a clear message', async (args, code, message) => {
    const env = { DATA_DIR: await dir(), ADMIN_TOKEN: '' }
    const result = await runCli(args, env)
    expect(result.code).toBe(code)
    expect(result.stderr).toContain(message)
  })

  it('reads its settings as the server does, and names a bad one', async () => {
    const result = await runCli(['list'], { DATA_DIR: await dir(), ADMIN_TOKEN: 'short', LINK_SECRET: 'also-short' })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('ADMIN_TOKEN: expected at least 32 characters')
    expect(result.stderr).toContain('LINK_SECRET: expected at least 32 characters')
    expect(result.stderr).not.toContain('also-short')
  })

  it('says how to reach a running server when its LevelDB is locked to it', async () => {
    const source = await home('leveldb')
    await start(source)
    const result = await runCli(['list'], source.env)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('pass --server <url> with ADMIN_TOKEN')
  })
})

describe('moving a deployment from LevelDB to PostgreSQL', () => {
  it('is a backup from one and a restore into the other: every document, version and link survives', async () => {
    const from = await home('leveldb')
    const to = await home('postgres')
    // Child servers, as deployed: the link secret is generated (into DATA_DIR on LevelDB).
    const first = await startChildServer(from.env)
    const docs = [await createDoc(first.url, { title: 'Plan', content: '# Plan\n\n- one' }), await createDoc(first.url, { title: 'Notes' })]
    const api = (base: string, path: string, key: string, init: RequestInit = {}) =>
      fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } })
    for (const [i, doc] of docs.entries()) {
      const writer = await connectClient(first.collabUrl, doc.id, doc.keys.edit)
      writer.doc.getText('t').insert(0, `typed into ${i}`)
      await waitFor('the edit on the server', async () => (await serverState(first.collabUrl, doc.id, doc.keys.view)).getText('t').length > 0)
      expect(
        (await api(first.url, `/api/docs/${doc.id}/versions`, doc.keys.edit, { method: 'POST', body: JSON.stringify({ name: `Draft ${i}` }) })).status,
      ).toBe(201)
      writer.doc.getText('t').insert(0, 'later ')
      await waitFor('the later edit', async () => (await serverState(first.collabUrl, doc.id, doc.keys.view)).getText('t').toString().startsWith('later'))
      writer.destroy()
    }
    // An image of the first document travels with it.
    const png = new Uint8Array(await readFile(new URL('../fixtures/images/pixels.png', import.meta.url)))
    const uploaded = await fetch(`${first.url}/api/docs/${docs[0]!.id}/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${docs[0]!.keys.edit}` },
      body: png,
    })
    const { hash } = (await uploaded.json()) as { hash: string }
    const markdown = await Promise.all(docs.map(async (doc) => (await api(first.url, `/api/docs/${doc.id}/export`, doc.keys.view)).text()))
    first.process.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    /** Every version of every document, with its state, as a store keeps them. */
    const versionsIn = async (on: TestHome) => {
      const store = await on.openStore()
      try {
        return await Promise.all(docs.map(async (doc) => Promise.all((await store.listVersions(doc.id)).map(async ({ v }) => store.getVersion(doc.id, v)))))
      } finally {
        await store.close()
      }
    }
    const versionsBefore = await versionsIn(from)

    const backupDir = join(await dir(), 'move')
    const backup = await runCli(['backup', backupDir], from.env)
    // Each named version, and the automatic one the drain took of the later edit.
    expect(backup.stderr).toMatch(/backed up 2 documents and 4 versions \(with 1 image\)/)
    // Not a terminal: the progress comes as plain lines, never as a bar.
    expect(backup.stderr).toContain('backup: 2 of 2 documents')
    const restore = await runCli(['restore', backupDir], to.env)
    expect(restore.code).toBe(0)
    expect(restore.stderr).toMatch(/restored 2 documents and 4 versions \(with 1 image\) into the PostgreSQL database/)

    const second = await startChildServer(to.env)
    for (const [i, doc] of docs.entries()) {
      // The same links: the generated secret moved into the database.
      for (const key of Object.values(doc.keys)) expect((await api(second.url, `/api/docs/${doc.id}`, key)).status).toBe(200)
      expect(await (await api(second.url, `/api/docs/${doc.id}/export`, doc.keys.view)).text()).toBe(markdown[i])
      const state = await serverState(second.collabUrl, doc.id, doc.keys.view)
      expect(state.getText('t').toString()).toBe(`later typed into ${i}`)
    }
    const image = await api(second.url, `/api/docs/${docs[0]!.id}/files/${hash}`, docs[0]!.keys.view)
    expect(image.status).toBe(200)
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(png)
    second.process.kill('SIGTERM')
    await second.exited
    const plain = (versions: typeof versionsBefore) => versions.map((list) => list.map((version) => ({ ...version!, state: Array.from(version!.state) })))
    expect(plain(await versionsIn(to))).toEqual(plain(versionsBefore))
  })
})
