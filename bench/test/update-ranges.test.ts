import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { forEachClockRange } from '../clients/update-ranges.js'

function ranges(update: Uint8Array): Map<number, [number, number]> {
  const found = new Map<number, [number, number]>()
  forEachClockRange(update, (client, from, to) => found.set(client, [from, to]))
  return found
}

function expected(update: Uint8Array): Map<number, [number, number]> {
  const { from, to } = Y.parseUpdateMeta(update)
  return new Map([...to].map(([client, end]) => [client, [from.get(client)!, end]]))
}

/** Updates of every content kind: text with formats and astral characters, XML, maps, arrays, deletions. */
function variedUpdates(): Uint8Array[] {
  const updates: Uint8Array[] = []
  const [a, b, c] = [1, 2, 3].map((id) => {
    const doc = new Y.Doc()
    doc.clientID = id
    doc.on('update', (update: Uint8Array) => updates.push(update))
    return doc
  }) as [Y.Doc, Y.Doc, Y.Doc]
  for (let i = 0; i < 120; i++) {
    const text = a.getText('t')
    text.insert(text.length, i % 7 === 0 ? '😀é' : 'x')
    if (i % 10 === 0) text.delete(0, 1)
    if (i % 13 === 0) text.format(0, 2, { bold: true })
    b.getXmlFragment('default').insert(0, [new Y.XmlElement('p')])
    ;(b.getXmlFragment('default').get(0) as Y.XmlElement).insert(0, [new Y.XmlText('hi')])
    c.getMap('m').set(`k${i % 5}`, { a: i, b: [1, 'x'] })
    c.getArray('list').push([new Uint8Array([1, 2]), 'str', 3])
  }
  updates.push(Y.mergeUpdates(updates.slice(0, 150)))
  for (const doc of [a, b, c]) updates.push(Y.encodeStateAsUpdate(doc))
  return updates
}

describe('forEachClockRange', () => {
  it('reads the same clock ranges as Y.parseUpdateMeta, for every kind of content', () => {
    const updates = variedUpdates()
    expect(updates.length).toBeGreaterThan(600)
    for (const update of updates) expect(ranges(update)).toEqual(expected(update))
  })

  it('counts characters as Yjs clocks do: astral characters are two', () => {
    const doc = new Y.Doc()
    doc.clientID = 9
    doc.getText('t').insert(0, 'a😀')
    expect(ranges(Y.encodeStateAsUpdate(doc))).toEqual(new Map([[9, [0, 3]]]))
  })
})
