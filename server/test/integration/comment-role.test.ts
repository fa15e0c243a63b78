import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CONTENT_FIELD, SyncStep } from '@quire/shared'
import { contentOf, createThread, DocText, readThreads } from '@quire/shared/comments'
import { connectClient, RawSocket, serverState, syncMessage } from '../helpers/clients.js'
import { createDoc, startServer, type TestServer } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

let server: TestServer

beforeAll(async () => {
  server = await startServer({ config: { createRatePerMinute: 1000 } })
})
afterAll(async () => {
  await server.close()
})

const author = { name: 'Reviewer', color: '#c33' }

/** A document whose text is one paragraph, written by an editor that stays connected. */
async function docWithText(text: string) {
  const doc = await createDoc(server.url)
  const editor = await connectClient(server.collabUrl, doc.id, doc.keys.edit)
  editor.doc.transact(() => {
    const paragraph = new Y.XmlElement('paragraph')
    paragraph.insert(0, [new Y.XmlText(text)])
    contentOf(editor.doc).insert(0, [paragraph])
  })
  await waitFor('the text to be stored', async () => (await serverState(server.collabUrl, doc.id, doc.keys.view)).getXmlFragment(CONTENT_FIELD).length === 1)
  return { doc, editor }
}

/** Starts a thread on `quote` in `doc`. */
function comment(doc: Y.Doc, quote: string, text: string): string {
  const docText = new DocText(contentOf(doc))
  return createThread(doc, { anchor: docText.anchorOf(docText.find(quote)!)!, quote, author, text, now: Date.now() })
}

const plain = (doc: Y.Doc) => new DocText(contentOf(doc)).plain

describe('a comment link', () => {
  it('cannot change the text, and its comments reach everyone and the store', async () => {
    const { doc, editor } = await docWithText('Ship on Friday.')
    const vandal = await connectClient(server.collabUrl, doc.id, doc.keys.comment)
    const reviewer = await connectClient(server.collabUrl, doc.id, doc.keys.comment)

    // Typed into the text by a crafted client: dropped, nothing stored or relayed.
    ;(contentOf(vandal.doc).get(0) as Y.XmlElement).insert(0, [new Y.XmlText('Never. ')])
    vandal.doc.getText('title').insert(0, 'Hijacked')
    const id = comment(reviewer.doc, 'Friday', 'Thursday would be safer.')

    await waitFor('the comment to reach the editor', () => readThreads(editor.doc).length === 1)
    const [thread] = readThreads(editor.doc)
    expect(thread).toMatchObject({ id, quote: 'Friday', author: 'Reviewer', resolved: false })
    expect(thread!.messages[0]!.text).toBe('Thursday would be safer.')
    expect(new DocText(contentOf(editor.doc)).slice(thread!.range!)).toBe('Friday')
    expect(plain(editor.doc)).toBe('Ship on Friday.')
    expect(editor.doc.getText('title').toString()).toBe('')

    const stored = await serverState(server.collabUrl, doc.id, doc.keys.view)
    expect(plain(stored)).toBe('Ship on Friday.')
    expect(stored.getText('title').toString()).toBe('')
    expect(readThreads(stored).map(({ id: stored }) => stored)).toEqual([id])
    for (const client of [editor, vandal, reviewer]) client.destroy()
  })

  it('answers and resolves a thread an editor started', async () => {
    const { doc, editor } = await docWithText('Budget: 10k.')
    const id = comment(editor.doc, '10k', 'Enough?')
    const reviewer = await connectClient(server.collabUrl, doc.id, doc.keys.comment)
    await waitFor('the thread to reach the reviewer', () => readThreads(reviewer.doc).length === 1)
    const thread = reviewer.doc.getMap('comments').get(id) as Y.Map<unknown>
    ;(thread.get('messages') as Y.Array<Y.Map<unknown>>).push([
      new Y.Map<unknown>([
        ['id', 'r1'],
        ['author', 'Reviewer'],
        ['text', 'Yes.'],
      ]),
    ])
    thread.set('resolved', true)
    await waitFor('the answer and the resolution to reach the editor', () => {
      const [seen] = readThreads(editor.doc)
      return seen?.resolved === true && seen.messages.length === 2
    })
    editor.destroy()
    reviewer.destroy()
  })

  it('has an update that mixes a comment with a text change refused whole', async () => {
    const { doc, editor } = await docWithText('Keep me.')
    const raw = await RawSocket.open(`${server.collabUrl}/${doc.id}?key=${doc.keys.comment}`)
    const state = await raw.sync()
    const crafted = new Y.Doc()
    Y.applyUpdate(crafted, state)
    const before = Y.encodeStateVector(crafted)
    crafted.transact(() => {
      comment(crafted, 'Keep', 'Sneaky.')
      ;(contentOf(crafted).get(0) as Y.XmlElement).insert(0, [new Y.XmlText('Changed! ')])
    })
    raw.send(syncMessage(SyncStep.update, Y.encodeStateAsUpdate(crafted, before)))

    // Then a harmless comment from another commenter: once it arrives, the crafted one would have.
    const reviewer = await connectClient(server.collabUrl, doc.id, doc.keys.comment)
    comment(reviewer.doc, 'me', 'Fine.')
    await waitFor('the later comment', () => readThreads(editor.doc).length === 1)
    expect(readThreads(editor.doc)[0]!.messages[0]!.text).toBe('Fine.')
    expect(plain(editor.doc)).toBe('Keep me.')
    const stored = await serverState(server.collabUrl, doc.id, doc.keys.view)
    expect(plain(stored)).toBe('Keep me.')
    expect(readThreads(stored)).toHaveLength(1)
    expect(raw.isClosed).toBe(false)
    raw.close()
    editor.destroy()
    reviewer.destroy()
  })

  it('deletes only inside the comments: deleting text is refused', async () => {
    const { doc, editor } = await docWithText('Do not delete.')
    const vandal = await connectClient(server.collabUrl, doc.id, doc.keys.comment)
    const reviewer = await connectClient(server.collabUrl, doc.id, doc.keys.comment)
    contentOf(vandal.doc).delete(0, 1)
    const id = comment(reviewer.doc, 'delete', 'Why not?')
    await waitFor('the comment', () => readThreads(editor.doc).length === 1)
    reviewer.doc.getMap('comments').delete(id)
    await waitFor('the thread to go', () => readThreads(editor.doc).length === 0)
    expect(plain(editor.doc)).toBe('Do not delete.')
    expect(plain(await serverState(server.collabUrl, doc.id, doc.keys.view))).toBe('Do not delete.')
    for (const client of [editor, vandal, reviewer]) client.destroy()
  })

  it('a view link reads the comments but cannot add one', async () => {
    const { doc, editor } = await docWithText('Read only.')
    comment(editor.doc, 'Read', 'Visible to viewers.')
    const viewer = await connectClient(server.collabUrl, doc.id, doc.keys.view)
    await waitFor('the thread to reach the viewer', () => readThreads(viewer.doc).length === 1)
    comment(viewer.doc, 'only', 'Not allowed.')
    const reviewer = await connectClient(server.collabUrl, doc.id, doc.keys.comment)
    comment(reviewer.doc, 'only', 'Allowed.')
    await waitFor('the commenter’s thread', () => readThreads(editor.doc).length === 2)
    expect(
      readThreads(editor.doc)
        .map(({ messages }) => messages[0]!.text)
        .sort(),
    ).toEqual(['Allowed.', 'Visible to viewers.'])
    for (const client of [editor, viewer, reviewer]) client.destroy()
  })
})
