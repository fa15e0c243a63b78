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
