/**
 * What a version costs on disk: a document of about 100 KB of text, typed in bursts, and the
 * store's size on disk before and after a number of versions of it.
 *
 *   npm run bench:versions [-- --kilobytes 100 --versions 20]
 */
import { readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { pino } from 'pino'
import * as Y from 'yjs'
import { CONTENT_FIELD } from '@quire/shared'
import { LevelStore } from '../server/src/storage/level-store.js'
import { tempDataDir } from '../server/test/helpers/server.js'

const { values } = parseArgs({ options: { kilobytes: { type: 'string', default: '100' }, versions: { type: 'string', default: '20' } } })
const KILOBYTES = Number(values.kilobytes)
const VERSIONS = Number(values.versions)
// Words drawn at random (seeded) from letters: text that compresses like prose, not like a refrain.
let seed = 42
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
const word = () => Array.from({ length: 2 + Math.floor(random() * 8) }, () => 'etaoinshrdlucmfwypvbgkjqxz'[Math.floor(random() ** 2 * 26)]).join('')

async function diskBytes(dir: string): Promise<number> {
  let total = 0
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size
  return total
}

const dataDir = await tempDataDir()
const store = new LevelStore(join(dataDir, 'db'), { syncWrites: false, log: pino({ level: 'silent' }) })
await store.open()
const doc = new Y.Doc()
const fragment = doc.getXmlFragment(CONTENT_FIELD)
let typed = 0
let paragraph = new Y.XmlText()
const first = new Y.XmlElement('paragraph')
first.insert(0, [paragraph])
fragment.insert(0, [first])
// Typed word by word, a new paragraph every 60 words, like a person writing.
for (let i = 0; typed < KILOBYTES * 1024; i++) {
  const next = word() + ' '
  paragraph.insert(paragraph.length, next)
  typed += next.length
  if (i % 60 === 59) {
    const element = new Y.XmlElement('paragraph')
    paragraph = new Y.XmlText()
    element.insert(0, [paragraph])
    fragment.insert(fragment.length, [element])
  }
}
const state = Y.encodeStateAsUpdate(doc)
const now = new Date().toISOString()
await store.createDoc({ id: 'doc', title: 'Versions', createdAt: now, updatedAt: now, epoch: 0 }, state)
await store.close()
const before = await diskBytes(join(dataDir, 'db'))
await store.open()
for (let v = 1; v <= VERSIONS; v++) {
  await store.putVersion('doc', { info: { v, createdAt: now, authors: ['Ada'], name: null, kind: 'auto', restoredFrom: null, bytes: state.length }, state })
}
await store.close()
// Reopening flushes LevelDB's write-ahead log into compressed tables.
const reopened = new LevelStore(join(dataDir, 'db'), { syncWrites: false, log: pino({ level: 'silent' }) })
await reopened.open()
await reopened.close()
const after = await diskBytes(join(dataDir, 'db'))
console.log(`document: ${(typed / 1024).toFixed(0)} KB of text, state ${(state.length / 1024).toFixed(1)} KB`)
console.log(`${VERSIONS} versions: ${((after - before) / 1024).toFixed(0)} KB on disk, ${((after - before) / VERSIONS / 1024).toFixed(1)} KB per version`)
await rm(dataDir, { recursive: true, force: true })
