import { afterEach, describe, expect, it } from 'vitest'
import { CloseCode } from '@quire/shared'
import { connectClient, RawSocket } from '../helpers/clients.js'
import { createDoc, startServer, type TestServer } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('sockets that do not keep up', () => {
  it('closes a socket that stops reading with 1013, while the others carry on', async () => {
    server = await startServer({ config: { maxBufferedBytes: 64 * 1024 } })
    const doc = await createDoc(server.url)
    const sleeper = await RawSocket.open(`${server.collabUrl}/${doc.id}?key=${doc.keys.view}`)
    await sleeper.sync()
    sleeper.ws.pause()
    const writer = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
    const reader = await connectClient(server.collabUrl, doc.id, doc.keys.view)
    try {
      // More than the kernel's socket buffers hold, so the backlog builds up in the server.
      for (let i = 0; i < 1_000; i++) {
        writer.doc.getText('t').insert(0, 'z'.repeat(16 * 1024))
        if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 1))
      }
      await waitFor('the reader to keep up', () => reader.doc.getText('t').length === 1_000 * 16 * 1024, 20_000)
      // When it reads again, it finds the close behind its backlog.
      sleeper.ws.resume()
      expect((await sleeper.closed).code).toBe(CloseCode.tooSlow)
      await waitFor('the server to let the sleeper go', () => server!.app.quire.sockets.size === 2)
    } finally {
      writer.destroy()
      reader.destroy()
    }
  })

  it('drops a socket that stops answering pings', async () => {
    server = await startServer({ config: { pingIntervalMs: 1_000 } })
    const doc = await createDoc(server.url)
    const silent = await RawSocket.open(`${server.collabUrl}/${doc.id}?key=${doc.keys.view}`, { autoPong: false })
    const lively = await RawSocket.open(`${server.collabUrl}/${doc.id}?key=${doc.keys.view}`)
    await Promise.all([silent.sync(), lively.sync()])
    const closed = await silent.closed
    expect(closed.code).toBe(1006)
    expect(lively.isClosed).toBe(false)
    await waitFor('the server to forget the dropped socket', () => server!.app.quire.sockets.size === 1)
    lively.close()
  })
})
