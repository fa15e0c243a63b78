import { execFileSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CloseCode, SyncStep } from '@quire/shared'
import { connectClient, RawSocket, serverState, syncMessage, textUpdate } from '../helpers/clients.js'
import { FlakyStore } from '../helpers/flaky-store.js'
import { STORE_KINDS } from '../helpers/homes.js'
import { createDoc, startServer, startServerOn, type TestServer } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const readyStatus = async (url: string) => (await fetch(`${url}/readyz`)).status

describe.each(STORE_KINDS)('a store that fails writes, on %s', (kind) => {
  it('relays nothing it could not write, closes the document’s sockets with 1011 and turns readiness off', async () => {
    let flaky: FlakyStore | undefined
    server = await startServerOn(kind, { wrapStore: (store) => (flaky = new FlakyStore(store)) })
    const doc = await createDoc(server.url)
    const writer = await RawSocket.open(`${server.collabUrl}/${doc.id}?key=${doc.keys.edit}`)
    const watcher = await RawSocket.open(`${server.collabUrl}/${doc.id}?key=${doc.keys.view}`)
    await Promise.all([writer.sync(), watcher.sync()])
    const receivedBefore = watcher.received.length

    flaky!.failWrites = true
    writer.send(syncMessage(SyncStep.update, textUpdate('lost on a full disk')))
    expect((await writer.closed).code).toBe(CloseCode.storageFailure)
    expect((await watcher.closed).code).toBe(CloseCode.storageFailure)
    expect(watcher.received.length).toBe(receivedBefore)
    expect(await readyStatus(server.url)).toBe(503)

    flaky!.failWrites = false
    expect(await readyStatus(server.url)).toBe(200)
    const client = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    client.doc.getText('text').insert(0, 'after recovery ')
    await waitFor(
      'the write after recovery',
      async () => (await serverState(server!.collabUrl, doc.id, doc.keys.view)).getText('text').toString() === 'after recovery ',
    )
    client.destroy()
  })
})

/** A real size-limited filesystem, where this machine lets us mount one. */
async function mountSmallDisk(): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'quire-disk-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'ignore' })
    return dir
  } catch {
    await rm(dir, { recursive: true, force: true })
    return undefined
  }
}

const disk = await mountSmallDisk()
if (!disk) console.warn('\n*** SKIPPED: the real full-disk test needs permission to mount a tmpfs (run as root) ***\n')

describe.skipIf(!disk)('a real full disk', () => {
  afterEach(async () => {
    // The data directory is the mount point: stop the server, then unmount it.
    await server?.stop()
    server = undefined
    execFileSync('umount', [disk!])
    await rm(disk!, { recursive: true, force: true })
  })

  it('stops, keeps every acknowledged update, reopens when space returns, and loses nothing', async () => {
    server = await startServer({ dataDir: disk!, config: { compactAfterBytes: 1024 * 1024 * 1024 } })
    const doc = await createDoc(server.url)
    const client = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    const observer = await connectClient(server.collabUrl, doc.id, doc.keys.view)
    const closes: number[] = []
    client.provider.on('connection-close', (event: { code: number } | null) => event && closes.push(event.code))
    // Type until the disk is full: the server refuses with 1011 and readiness goes 503.
    for (let i = 0; i < 400 && !closes.includes(CloseCode.storageFailure); i++) {
      client.doc.getText('t').insert(client.doc.getText('t').length, `${String(i).padStart(4, '0')}${'.'.repeat(16 * 1024)}`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    expect(closes).toContain(CloseCode.storageFailure)
    expect(await readyStatus(server.url)).toBe(503)
    const acknowledged = observer.doc.getText('t').toString()
    expect(acknowledged.length).toBeGreaterThan(0)

    execFileSync('mount', ['-o', 'remount,size=64m', disk!])
    await waitFor('the store to reopen', async () => (await readyStatus(server!.url)) === 200, 20_000)
    await waitFor(
      'the client’s edits to be written after all',
      async () => (await serverState(server!.collabUrl, doc.id, doc.keys.view)).getText('t').toString() === client.doc.getText('t').toString(),
      20_000,
    )
    client.destroy()
    observer.destroy()

    await server.stop()
    const again = await startServer({ dataDir: disk! })
    try {
      const restored = (await serverState(again.collabUrl, doc.id, doc.keys.view)).getText('t').toString()
      expect(restored.startsWith(acknowledged)).toBe(true)
      expect(restored).toBe(client.doc.getText('t').toString())
    } finally {
      await again.stop()
    }
  })
})
