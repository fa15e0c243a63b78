import { rm } from 'node:fs/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { startChildServer, type ChildServer } from '../helpers/child-server.js'
import { connectClient, RawSocket, serverState, syncMessage, textUpdate } from '../helpers/clients.js'
import { sample } from '../helpers/load.js'
import { createDoc, freePort, startServer, tempDataDir, type TestServer } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'
import { SyncStep } from '@quire/shared'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('GET /metrics', () => {
  it('shows the figures an operator asks for, and they move as people edit', async () => {
    server = await startServer({ config: { unloadGraceMs: 50 } })
    const scrape = async () => {
      const response = await fetch(`${server!.url}/metrics`)
      expect(response.headers.get('content-type')).toContain('text/plain')
      return response.text()
    }
    const before = await scrape()
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(before, name).toContain(name)
    }
    expect(sample(before, 'quire_rooms_open')).toBe(0)

    const doc = await createDoc(server.url)
    const editor = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    const viewer = await connectClient(server.collabUrl, doc.id, doc.keys.view)
    editor.provider.awareness.setLocalStateField('user', { name: 'Ada' })
    for (let i = 0; i < 10; i++) editor.doc.getText('t').insert(i, 'x')
    await waitFor('the viewer to see the edits', () => viewer.doc.getText('t').length === 10)
    const during = await scrape()
    expect(sample(during, 'quire_rooms_open')).toBe(1)
    expect(sample(during, 'quire_sockets_open', 'role="edit"')).toBe(1)
    expect(sample(during, 'quire_sockets_open', 'role="view"')).toBe(1)
    expect(sample(during, 'quire_updates_received_total')).toBeGreaterThanOrEqual(1)
    expect(sample(during, 'quire_update_bytes_received_total')).toBeGreaterThan(0)
    expect(sample(during, 'quire_messages_relayed_total', 'kind="update"')).toBeGreaterThanOrEqual(1)
    expect(sample(during, 'quire_messages_relayed_total', 'kind="awareness"')).toBeGreaterThanOrEqual(1)
    expect(sample(during, 'quire_bytes_relayed_total', 'kind="update"')).toBeGreaterThan(0)
    expect(sample(during, 'quire_store_write_seconds_count')).toBeGreaterThanOrEqual(1)
    expect(sample(during, 'quire_store_batch_updates_sum')).toBe(sample(during, 'quire_updates_received_total'))
    expect(sample(during, 'quire_room_load_seconds_count')).toBe(1)
    // Both joiners came with an empty document: the stored state answered them, encoded by nobody.
    expect(sample(during, 'quire_sync_replies_total', 'source="cached"')).toBe(2)
    expect(sample(during, 'quire_sync_replies_total', 'source="encoded"')).toBe(0)

    // A viewer's write is refused; a bad frame closes its socket with 1002.
    const raw = await RawSocket.open(`${server.collabUrl}/${doc.id}?key=${doc.keys.view}`)
    raw.send(syncMessage(SyncStep.update, textUpdate('nope')))
    raw.send([0x80])
    await raw.closed
    editor.destroy()
    viewer.destroy()
    await waitFor('the room to unload', () => server!.app.quire.rooms.size === 0)
    const after = await scrape()
    expect(sample(after, 'quire_updates_refused_total', 'reason="read_only"')).toBe(1)
    expect(sample(after, 'quire_sockets_closed_total', 'code="1002"')).toBe(1)
    expect(sample(after, 'quire_sockets_closed_total', 'code="peer"')).toBe(2)
    expect(sample(after, 'quire_compactions_total')).toBe(1)
    expect(sample(after, 'quire_room_unloads_total')).toBe(1)
    expect(sample(after, 'quire_rooms_open')).toBe(0)
    expect((await serverState(server.collabUrl, doc.id, doc.keys.view)).getText('t').length).toBe(10)
  })

  it('can be turned off', async () => {
    server = await startServer({ config: { metricsEnabled: false } })
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404)
  })
})

describe('METRICS_PORT', () => {
  let child: ChildServer | undefined
  let dataDir = ''
  afterEach(async () => {
    child?.process.kill('SIGKILL')
    await rm(dataDir, { recursive: true, force: true })
  })

  it('moves the metrics to a port of their own', async () => {
    dataDir = await tempDataDir()
    const metricsPort = await freePort()
    child = await startChildServer({ DATA_DIR: dataDir, METRICS_PORT: String(metricsPort) })
    expect((await fetch(`${child.url}/metrics`)).status).toBe(404)
    await waitFor('the metrics port to answer', async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`).catch(() => undefined))?.ok)
    expect(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()).toContain('quire_rooms_open 0')
  })
})
