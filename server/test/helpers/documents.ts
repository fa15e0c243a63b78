import * as Y from 'yjs'
import { CONTENT_FIELD } from '@quire/shared'

/** Nests `depth` blockquotes in the editor's fragment, a paragraph saying "deep" inside. */
export function nestBlockquotes(doc: Y.Doc, depth: number): void {
  doc.transact(() => {
    let parent: Y.XmlFragment | Y.XmlElement = doc.getXmlFragment(CONTENT_FIELD)
    for (let i = 0; i < depth; i++) {
      const quote = new Y.XmlElement('blockquote')
      parent.insert(0, [quote])
      parent = quote
    }
    const paragraph = new Y.XmlElement('paragraph')
    paragraph.insert(0, [new Y.XmlText('deep')])
    parent.insert(0, [paragraph])
  })
}

/** What a user sees of the document (text, editor content, map), in one comparable string. */
export function content(doc: Y.Doc): string {
  const map = Object.entries(doc.getMap('map').toJSON()).sort(([a], [b]) => a.localeCompare(b))
  return JSON.stringify([doc.getText('text').toString(), doc.getXmlFragment(CONTENT_FIELD).toString(), map])
}

/** Which updates the document holds, in one comparable string. */
export function stateVector(doc: Y.Doc): string {
  return Buffer.from(Y.encodeStateVector(doc)).toString('base64')
}
