import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { startChildServer } from '../helpers/child-server.js'
import { connectClient, serverState } from '../helpers/clients.js'
import { fixtures } from '../helpers/fixtures.js'
import { STORE_KINDS, testHome, type TestHome } from '../helpers/homes.js'
import { createDocs, LOAD_ENV, sample, scrape, sized } from '../helpers/load.js'
import { waitFor } from '../helpers/wait.js'

const { children, clients } = fixtures()
let home: TestHome | undefined
afterEach(async () => {
  await home?.remove()
  home = undefined
})

/** True when `doc` holds every struct and every deletion `acked` holds. */
function holdsAll(doc: Y.Doc, acked: Y.Doc): boolean {
  const merged = new Y.Doc({ gc: false })
  Y.applyUpdate(merged, Y.encodeStateAsUpdate(doc))
  const before = Y.snapshot(merged)
  Y.applyUpdate(merged, Y.encodeStateAsUpdate(acked))
  const same = Y.equalSnapshots(before, Y.snapshot(merged))
  merged.destroy()
  return same
}

const CHUNK = 'x'.repeat(1024)

describe.each(STORE_KINDS)('SIGKILL while the store compacts, on %s', (kind) => {
  it('leaves a store that opens cleanly and holds every acknowledged update, round after round', async () => {
    const rounds = sized(3, 10)
    home = await testHome(kind)
    // A log folded every 10 batches of documents of a few hundred KB: compactions, ours and
    // LevelDB's own, run nearly all the time, so a kill at a random moment lands in or next to one.
    const env = { ...LOAD_ENV, ...home.env, COMPACT_AFTER_UPDATES: '10' }
    let child = await startChildServer(env)
    children.push(child)
    const docs = await createDocs(child.url, 4)
    const acked = docs.map(() => new Y.Doc())

    for (let round = 0; round < rounds; round++) {
      // Nothing but this reader is connected: what it reads is what the files held.
      for (const [d, doc] of docs.entries()) {
        const restored = await serverState(child.collabUrl, doc.id, doc.keys.view)
        expect(holdsAll(restored, acked[d]!), `round ${round}: document ${d} holds every acknowledged update`).toBe(true)
        restored.destroy()
      }
      const writers = await Promise.all(docs.map((doc) => connectClient(child.collabUrl, doc.id, doc.keys.edit)))
      const observers = await Promise.all(docs.map((doc) => connectClient(child.collabUrl, doc.id, doc.keys.view)))
      clients.push(...writers, ...observers)

      const compactionsBefore = sample(await scrape(child.url), 'quire_compactions_total')
      let killed = false
      const typing = (async () => {
        for (let i = 0; !killed && i < 100_000; i++) {
          const text = writers[i % writers.length]!.doc.getText('t')
          // Mostly appends; now and then a deletion, so the delete sets are checked too.
          if (i % 17 === 16) text.delete(0, 100)
          else text.insert(text.length, CHUNK)
          if (i % 8 === 0) await new Promise((resolve) => setTimeout(resolve, 1))
        }
      })()
      await waitFor('compactions to pile up', async () => sample(await scrape(child.url), 'quire_compactions_total') >= compactionsBefore + 20, 30_000)
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 500))
      child.process.kill('SIGKILL')
      killed = true
      await typing
      expect(await child.exited).toBe('SIGKILL')
      // What reached an observer, up to its socket's close, the server had sent: it must be on disk.
      await waitFor('the observers to see the close', () => observers.every((o) => !o.provider.wsconnected))
      observers.forEach((observer, d) => Y.applyUpdate(acked[d]!, Y.encodeStateAsUpdate(observer.doc)))
      for (const client of clients.splice(0)) client.destroy()

      child = await startChildServer(env)
      // On open LevelDB keeps the killed run's log as LOG.old: it says whether LevelDB was compacting too.
      const levelLog = await readFile(join(home.dataDir, 'db', 'LOG.old'), 'utf8').catch(() => '')
      const levelWork = levelLog.split('\n').filter((line) => / Compacting |Level-0 table/.test(line)).length
      console.info(
        `round ${round}: killed with ${acked.map((doc) => doc.getText('t').length).join(', ')} characters acknowledged` +
          (kind === 'leveldb' ? `; LevelDB flushed or compacted ${levelWork} times in that run` : ''),
      )
      children.push(child)
    }
    for (const [d, doc] of docs.entries()) {
      const restored = await serverState(child.collabUrl, doc.id, doc.keys.view)
      expect(holdsAll(restored, acked[d]!)).toBe(true)
      expect(acked[d]!.getText('t').length).toBeGreaterThan(0)
    }
  })
})
