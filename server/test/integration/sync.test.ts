import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { connectClient, serverState, type TestClient } from '../helpers/clients.js'
import { STORE_KINDS } from '../helpers/homes.js'
import { createDoc, startServer, startServerOn, type TestDoc, type TestServer } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

describe.each(STORE_KINDS)('stock clients on one document, on %s', (kind) => {
  let server: TestServer
  let doc: TestDoc
  const clients: TestClient[] = []

  beforeEach(async () => {
    server = await startServerOn(kind)
    doc = await createDoc(server.url, { title: 'Shared' })
  })
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy()
    await server.close()
  })

  const connect = async (key = doc.keys.edit) => {
    const client = await connectClient(server.collabUrl, doc.id, key)
    clients.push(client)
    return client
  }

  it('see each other’s edits live, in any Y type', async () => {
    const [a, b] = [await connect(), await connect(doc.keys.owner)]
    expect(b.doc.getText('title').toString()).toBe('Shared')
    a.doc.getText('text').insert(0, 'hello')
    a.doc.getMap('map').set('answer', 42)
    a.doc.getXmlFragment('default').insert(0, [new Y.XmlElement('paragraph')])
    b.doc.getArray('list').push(['x', 'y'])
    await waitFor('b to see a', () => b.doc.getText('text').toString() === 'hello' && b.doc.getMap('map').get('answer') === 42)
    await waitFor('a to see b', () => a.doc.getArray('list').length === 2)
    expect(b.doc.getXmlFragment('default').length).toBe(1)
  })

  it('share presence, and drop a client’s presence when it leaves', async () => {
    const [a, b] = [await connect(), await connect()]
    a.provider.awareness.setLocalStateField('user', { name: 'Ada', color: '#f00' })
    await waitFor('b to see Ada', () => b.provider.awareness.getStates().get(a.doc.clientID)?.user?.name === 'Ada')
    const late = await connect()
    await waitFor('a late joiner to see Ada', () => late.provider.awareness.getStates().get(a.doc.clientID)?.user?.name === 'Ada')
    a.provider.disconnect()
    await waitFor('Ada to leave', () => !b.provider.awareness.getStates().has(a.doc.clientID))
  })

  it('converge after random concurrent edits by five clients, and the server stores the same', async () => {
    const five = await Promise.all(Array.from({ length: 5 }, () => connect()))
    const edit = fc.record({ who: fc.integer({ min: 0, max: 4 }), at: fc.nat(), text: fc.string({ minLength: 1, maxLength: 4 }), remove: fc.boolean() })
    const script = fc.sample(fc.array(edit, { minLength: 200, maxLength: 200 }), { numRuns: 1, seed: 11 })[0]!
    for (const [i, { who, at, text, remove }] of script.entries()) {
      const ytext = five[who]!.doc.getText('text')
      if (remove && ytext.length > 0) ytext.delete(at % ytext.length, 1)
      else ytext.insert(at % (ytext.length + 1), text)
      five[who]!.doc.getMap('map').set(`k${i % 7}`, i)
      if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    const expected = () => Y.encodeStateVector(five[0]!.doc).toString()
    await waitFor('all five to converge', () =>
      five.every((c) => Y.encodeStateVector(c.doc).toString() === expected() && c.doc.getText('text').toString() === five[0]!.doc.getText('text').toString()),
    )
    const stored = await serverState(server.collabUrl, doc.id, doc.keys.view)
    expect(stored.getText('text').toString()).toBe(five[0]!.doc.getText('text').toString())
    expect(stored.getMap('map').toJSON()).toEqual(five[0]!.doc.getMap('map').toJSON())
    // And what is on disk, read back by a fresh server.
    await server.stop()
    const again = await startServer({ home: server.home })
    try {
      const reloaded = await serverState(again.collabUrl, doc.id, doc.keys.view)
      expect(reloaded.getText('text').toString()).toBe(five[0]!.doc.getText('text').toString())
      expect(Y.encodeStateVector(reloaded)).toEqual(Y.encodeStateVector(five[0]!.doc))
    } finally {
      await again.close()
    }
  })
})
