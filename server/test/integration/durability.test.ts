import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CloseCode } from '@quire/shared'
import { startChildServer, type ChildServer } from '../helpers/child-server.js'
import { connectClient, RawSocket, serverState, type TestClient } from '../helpers/clients.js'
import { STORE_KINDS, testHome, type TestHome } from '../helpers/homes.js'
import { createDoc } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

let home: TestHome | undefined
const children: ChildServer[] = []
const clients: TestClient[] = []

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy()
  for (const child of children.splice(0)) child.process.kill('SIGKILL')
  await home?.remove()
  home = undefined
})

async function start(): Promise<ChildServer> {
  const child = await startChildServer(home!.env)
  children.push(child)
  return child
}

/** True when `doc` holds everything `seen` holds. */
function holdsAll(doc: Y.Doc, seen: Y.Doc): boolean {
  const have = Y.decodeStateVector(Y.encodeStateVector(doc))
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(seen))) {
    if ((have.get(client) ?? 0) < clock) return false
  }
  return true
}

describe.each(STORE_KINDS)('durability on %s', (kind) => {
  it('loses nothing a client has seen when the server is killed with SIGKILL', async () => {
    home = await testHome(kind)
    const first = await start()
    const doc = await createDoc(first.url)
    const writer = await connectClient(first.collabUrl, doc.id, doc.keys.edit)
    const observer = await connectClient(first.collabUrl, doc.id, doc.keys.view)
    clients.push(writer, observer)

    // Each keystroke is one update; once the observer has seen 500 of them the server dies
    // at once, while the writer is still typing.
    let killedAt: Uint8Array | undefined
    observer.doc.on('update', () => {
      if (observer.doc.getText('t').length >= 500 && !killedAt) {
        first.process.kill('SIGKILL')
        killedAt = Y.encodeStateAsUpdate(observer.doc)
      }
    })
    const typing = (async () => {
      for (let i = 0; !killedAt && i < 5_000; i++) {
        writer.doc.getText('t').insert(writer.doc.getText('t').length, String(i % 10))
        if (i % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 1))
      }
    })()
    await waitFor('500 updates to reach the observer', () => killedAt, 30_000)
    await typing
    expect(await first.exited).toBe('SIGKILL')
    for (const client of clients.splice(0)) client.destroy()

    const second = await start()
    const restored = await serverState(second.collabUrl, doc.id, doc.keys.view)
    const witnessed = new Y.Doc()
    Y.applyUpdate(witnessed, killedAt!)
    expect(witnessed.getText('t').length).toBeGreaterThanOrEqual(500)
    expect(holdsAll(restored, witnessed)).toBe(true)
    expect(restored.getText('t').toString().startsWith(witnessed.getText('t').toString())).toBe(true)
  })

  it('drains on SIGTERM: sockets hear 1001, everything is written, the process exits 0', async () => {
    home = await testHome(kind)
    const first = await start()
    const doc = await createDoc(first.url)
    const writer = await connectClient(first.collabUrl, doc.id, doc.keys.edit)
    clients.push(writer)
    const raw = await RawSocket.open(`${first.collabUrl}/${doc.id}?key=${doc.keys.view}`)
    writer.doc.getText('t').insert(0, 'written before the signal')
    await waitFor('the edit to reach the server', async () => (await serverState(first.collabUrl, doc.id, doc.keys.view)).getText('t').length > 0)
    first.process.kill('SIGTERM')
    expect((await raw.closed).code).toBe(CloseCode.shuttingDown)
    expect(await first.exited).toBe(0)
    writer.provider.disconnect()

    const second = await start()
    expect((await serverState(second.collabUrl, doc.id, doc.keys.view)).getText('t').toString()).toBe('written before the signal')
  })
})
