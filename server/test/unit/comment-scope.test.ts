import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { contentOf, createThread, DocText } from '@quire/shared/comments'
import { commentScope } from '../../src/sync/comment-scope.js'

/** The server's document and a client's copy of it; `change` runs on the copy and yields its update. */
function setup(text = 'Some text') {
  const server = new Y.Doc()
  const paragraph = new Y.XmlElement('paragraph')
  paragraph.insert(0, [new Y.XmlText(text)])
  contentOf(server).insert(0, [paragraph])
  const client = new Y.Doc()
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server))
  const change = (make: (doc: Y.Doc) => void): Uint8Array => {
    const before = Y.encodeStateVector(client)
    make(client)
    return Y.encodeStateAsUpdate(client, before)
  }
  const scopeOf = (update: Uint8Array, pending: (id: { client: number; clock: number }) => boolean = () => false) =>
    commentScope(Y.decodeUpdate(update), { doc: server, pendingInComments: pending, maxItems: 1000 })
  return { server, client, change, scopeOf }
}

const author = { name: 'A', color: '#000' }

function thread(doc: Y.Doc, text = 'A remark'): string {
  const docText = new DocText(contentOf(doc))
  return createThread(doc, { anchor: docText.anchorOf({ from: 0, to: 4 })!, quote: 'Some', author, text, now: 1 })
}

describe('commentScope', () => {
  it('takes a new thread, an answer to it and its deletion', () => {
    const { server, change, scopeOf } = setup()
    let id = ''
    const created = change((doc) => (id = thread(doc)))
    expect(scopeOf(created)).toBe('inside')
    Y.applyUpdate(server, created)
    const answered = change((doc) => ((doc.getMap('comments').get(id) as Y.Map<unknown>).get('messages') as Y.Array<unknown>).push(['more']))
    expect(scopeOf(answered)).toBe('inside')
    Y.applyUpdate(server, answered)
    expect(scopeOf(change((doc) => doc.getMap('comments').delete(id)))).toBe('inside')
  })

  it('refuses text, the title, another root, and deleting text', () => {
    const firstRun = (doc: Y.Doc) => (contentOf(doc).get(0) as Y.XmlElement).get(0) as Y.XmlText
    const changes: ((doc: Y.Doc) => void)[] = [
      (doc) => firstRun(doc).insert(0, 'x'),
      (doc) => doc.getText('title').insert(0, 'x'),
      (doc) => doc.getMap('elsewhere').set('a', 1),
      (doc) => firstRun(doc).delete(0, 1),
      (doc) => contentOf(doc).delete(0, 1),
    ]
    for (const make of changes) {
      const { change, scopeOf } = setup()
      expect(scopeOf(change(make))).toBe('outside')
    }
  })

  it('refuses a thread that comes with a text change', () => {
    const { change, scopeOf } = setup()
    const mixed = change((doc) =>
      doc.transact(() => {
        thread(doc)
        contentOf(doc).insert(1, [new Y.XmlElement('paragraph')])
      }),
    )
    expect(scopeOf(mixed)).toBe('outside')
  })

  it('passes over deletions the document already has (a sync step 2 carries them all)', () => {
    const { server, client, scopeOf } = setup()
    const run = (contentOf(server).get(0) as Y.XmlElement).get(0) as Y.XmlText
    run.delete(0, 5)
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server))
    thread(client)
    expect(scopeOf(Y.encodeStateAsUpdate(client, Y.encodeStateVector(server)))).toBe('inside')
  })

  it('knows an answer to its own comment still being written, and not to anyone else’s', () => {
    const { change, scopeOf } = setup()
    let id = ''
    const created = change((doc) => (id = thread(doc)))
    const answered = change((doc) => (doc.getMap('comments').get(id) as Y.Map<unknown>).set('resolved', true))
    const createdBy = Y.decodeUpdate(created).structs[0]!.id.client
    expect(scopeOf(answered, ({ client }) => client === createdBy)).toBe('inside')
    expect(scopeOf(answered)).toBe('unknown')
  })

  it('gives up past its budget', () => {
    const { change, server } = setup()
    const many = change((doc) => doc.transact(() => Array.from({ length: 20 }, () => thread(doc))))
    expect(commentScope(Y.decodeUpdate(many), { doc: server, pendingInComments: () => false, maxItems: 10 })).toBe('outside')
  })
})
