import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createLogger } from '../../src/logger.js'
import { MemoryStore } from '../../src/storage/memory-store.js'
import { VersionKeeper, type VersionPolicy } from '../../src/versions/version-keeper.js'
import { FakeClock } from '../helpers/memory-room.js'

const ID = 'kept'
const HOUR = 3600_000
const POLICY: VersionPolicy = {
  afterIdleMs: 60_000,
  everyMs: 600_000,
  retention: { keepAllForMs: 24 * HOUR, keepHourlyForMs: 30 * 24 * HOUR, keepDailyForMs: Infinity },
  maxKept: 3,
}

async function keeper(policy: Partial<VersionPolicy> = {}) {
  const store = new MemoryStore()
  const clock = new FakeClock()
  await store.createDoc({ id: ID, title: '', createdAt: '', updatedAt: '', epoch: 0 }, Y.encodeStateAsUpdate(new Y.Doc()))
  const doc = new Y.Doc()
  const versions = new VersionKeeper(ID, () => doc, store, { ...POLICY, ...policy }, createLogger('silent'), clock)
  const edit = (text: string, author = 'Ada') => {
    doc.getText('t').insert(0, text)
    versions.changed([author])
  }
  /** Lets the store's answers come in. */
  const settled = () => new Promise((resolve) => setImmediate(resolve))
  return { store, clock, versions, edit, settled }
}

describe('VersionKeeper', () => {
  it('takes a version once editing has paused, naming who edited', async () => {
    const { store, clock, edit, settled } = await keeper()
    edit('a', 'Ada')
    clock.advance(30_000)
    edit('b', 'Bob')
    clock.advance(59_999)
    await settled()
    expect(await store.listVersions(ID)).toHaveLength(0)
    clock.advance(1)
    await settled()
    const [version] = await store.listVersions(ID)
    expect(version).toMatchObject({ v: 1, kind: 'auto', authors: ['Ada', 'Bob'], createdAt: new Date(clock.now()).toISOString() })
  })

  it('takes one at least every so often while editing goes on', async () => {
    const { store, clock, edit, settled } = await keeper({ everyMs: 1_000, afterIdleMs: 60_000 })
    for (let elapsed = 0; elapsed < 3_500; elapsed += 100) {
      edit('x')
      clock.advance(100)
      await settled()
    }
    expect((await store.listVersions(ID)).length).toBe(3)
  })

  it('names the newest version when nothing changed since it, and stores a new one otherwise', async () => {
    const { store, versions, edit } = await keeper()
    edit('draft')
    expect(await versions.name('First')).toMatchObject({ created: true, info: { v: 1, name: 'First', kind: 'named' } })
    expect(await versions.name('Better name')).toMatchObject({ created: false, info: { v: 1, name: 'Better name', kind: 'named' } })
    edit(' more')
    expect(await versions.name('Second')).toMatchObject({ created: true, info: { v: 2 } })
    expect((await store.listVersions(ID)).map(({ name }) => name)).toEqual(['Better name', 'Second'])
  })

  it('refuses a named version past the number a document keeps', async () => {
    const { versions, edit } = await keeper({ maxKept: 2 })
    for (const name of ['one', 'two']) {
      edit(name)
      await versions.name(name)
    }
    edit('three')
    await expect(versions.name('three')).rejects.toThrow(/keeps 2 named versions/)
  })
})
