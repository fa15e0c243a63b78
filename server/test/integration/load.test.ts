import { rm } from 'node:fs/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { SyncStep } from '@quire/shared'
import type { ChildServer } from '../helpers/child-server.js'
import { awarenessMessage, RawSocket, readAwareness, readSync, serverState, syncMessage, textUpdate } from '../helpers/clients.js'
import { createDocs, liveFigures, MB, sample, sampleSum, scrape, sized, startProbedServer, waitForEmpty } from '../helpers/load.js'
import { tempDataDir } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

let dataDir: string | undefined
let child: ChildServer | undefined
const sockets: RawSocket[] = []

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.ws.terminate()
  child?.process.kill('SIGKILL')
  await child?.exited
  child = undefined
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

/** Heap the server may keep after a load that has fully gone: V8's own caches and code. */
const HEAP_SLACK = 8 * MB
/** File descriptors LevelDB may add as its table files grow in number. */
const FD_SLACK = 8

const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`

describe('many sockets on many documents', () => {
  it('2 000 sockets over 200 documents connect at once, sync and announce presence; once all leave, every room unloads and the heap is back', async () => {
    const docCount = 200
    const perDoc = sized(10, 10)
    dataDir = await tempDataDir()
    child = await startProbedServer({ DATA_DIR: dataDir, UNLOAD_GRACE_MS: '200' })
    const docs = await createDocs(child.url, docCount)
    const before = await liveFigures(child)

    // Every socket at once; the first of each document also writes, so unloads have something to compact.
    const all = await Promise.all(
      docs.flatMap((doc) => Array.from({ length: perDoc }, () => RawSocket.open(`${child!.collabUrl}/${doc.id}?key=${doc.keys.edit}`))),
    )
    sockets.push(...all)
    const states = await Promise.all(all.map((socket) => socket.sync()))
    expect(states).toHaveLength(docCount * perDoc)
    const during = await scrape(child.url)
    expect(sample(during, 'quire_rooms_open')).toBe(docCount)
    expect(sampleSum(during, 'quire_sockets_open')).toBe(docCount * perDoc)
    // Everyone announces a presence, as editors do; the first of each document also writes.
    all.forEach((socket, i) => socket.send(awarenessMessage([{ clientId: 1_000 + i, clock: 1, state: { user: { name: `user ${i}` } } }])))
    for (let d = 0; d < docCount; d++) all[d * perDoc]!.send(syncMessage(SyncStep.update, textUpdate(`doc ${d}`)))
    await waitFor(
      'every write and presence to reach the last socket of its document',
      () =>
        docs.every((_, d) => {
          const received = all[d * perDoc + perDoc - 1]!.received
          const seen = new Set(received.flatMap((message) => readAwareness(message) ?? []).map((entry) => entry.clientId))
          return seen.size === perDoc && received.some((message) => readSync(message)?.step === SyncStep.update)
        }),
      30_000,
    )

    // Half leave politely, half vanish as a killed tab does (a reset, no closing handshake).
    for (const [i, socket] of sockets.splice(0).entries()) {
      if (i % 2 === 0) socket.close()
      else socket.ws.terminate()
    }
    await waitForEmpty(child.url, 60_000)
    const after = await liveFigures(child)
    const text = await scrape(child.url)
    expect(sample(text, 'quire_room_unloads_total')).toBe(docCount)
    console.info(
      `2 000 sockets: heap ${mb(before.heapUsed)} → ${mb(after.heapUsed)}, external ${mb(before.external)} → ${mb(after.external)}, fds ${before.fds} → ${after.fds}`,
    )
    expect(after.heapUsed - before.heapUsed).toBeLessThan(HEAP_SLACK)
    expect(after.fds - before.fds).toBeLessThanOrEqual(FD_SLACK)
  })

  it('rooms opened, written and closed one after another leave no heap or file handles behind', async () => {
    const rooms = sized(2_000, 10_000)
    // The first rooms warm the server up (code, caches); the figures are taken after them.
    const warmUp = Math.round(rooms / 10)
    dataDir = await tempDataDir()
    child = await startProbedServer({ DATA_DIR: dataDir, UNLOAD_GRACE_MS: '20' })
    let started = Date.now()
    const docs = await createDocs(child.url, rooms, 32)
    console.info(`created ${rooms} documents in ${Date.now() - started} ms`)
    started = Date.now()
    let before: Awaited<ReturnType<typeof liveFigures>> | undefined
    for (const [i, doc] of docs.entries()) {
      if (i === warmUp) {
        await waitForEmpty(child.url)
        before = await liveFigures(child)
      }
      // Joined once the server's first message (its sync step 1) arrives; the write goes before the close.
      const socket = await RawSocket.open(`${child.collabUrl}/${doc.id}?key=${doc.keys.edit}`)
      if (socket.received.length === 0) await new Promise((resolve) => socket.ws.once('message', resolve))
      socket.send(syncMessage(SyncStep.update, textUpdate(`room ${i}`)))
      socket.close()
      await socket.closed
    }
    console.info(`opened and closed ${rooms} rooms in ${Date.now() - started} ms`)
    await waitForEmpty(child.url, 60_000)
    const after = await liveFigures(child)
    expect(sample(await scrape(child.url), 'quire_room_unloads_total')).toBe(rooms)
    for (let i = 0; i < rooms; i += Math.round(rooms / 20)) {
      const { id, keys } = docs[i]!
      expect((await serverState(child.collabUrl, id, keys.view)).getText('text').toString()).toBe(`room ${i}`)
    }
    console.info(
      `${rooms} rooms in sequence: heap ${mb(before!.heapUsed)} → ${mb(after.heapUsed)}, external ${mb(before!.external)} → ${mb(after.external)}, fds ${before!.fds} → ${after.fds}`,
    )
    expect(after.heapUsed - before!.heapUsed).toBeLessThan(HEAP_SLACK)
    expect(after.fds - before!.fds).toBeLessThanOrEqual(FD_SLACK)
  })
})
