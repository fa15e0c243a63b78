/**
 * Convergence across instances: stock y-websocket clients edit at random, go offline, and come
 * back on a random instance. Once they stop, every client, every instance and a fresh load
 * from PostgreSQL hold the same document.
 *
 * To explore: CLUSTER_SEED and CLUSTER_RUNS pick other scenarios.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, it } from 'vitest'
import * as Y from 'yjs'
import { openClient, serverState, type TestClient } from '../helpers/clients.js'
import { TestCluster } from '../helpers/cluster.js'
import { content, stateVector } from '../helpers/documents.js'
import { createDoc, type TestDoc } from '../helpers/server.js'
import { waitFor } from '../helpers/wait.js'

type Step =
  | { kind: 'type'; client: number; at: number; text: string }
  | { kind: 'delete'; client: number; at: number }
  | { kind: 'set'; client: number; key: string; value: number }
  | { kind: 'offline'; client: number }
  | { kind: 'move'; client: number; instance: number }
  | { kind: 'pause'; ms: number }

const client = fc.nat({ max: 5 })
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('type'), client, at: fc.nat(), text: fc.string({ minLength: 1, maxLength: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete'), client, at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('set'), client, key: fc.constantFrom('a', 'b'), value: fc.nat({ max: 99 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('offline'), client }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('move'), client, instance: fc.nat({ max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('pause'), ms: fc.constantFrom(5, 30, 100) }) },
) as fc.Arbitrary<Step>

const INSTANCES = 3
const CLIENTS = 6
let cluster: TestCluster

beforeAll(async () => {
  cluster = await TestCluster.start(INSTANCES)
})

afterAll(async () => {
  await cluster?.close()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A person: their document stays when their connection moves to another instance. */
class Person {
  readonly doc = new Y.Doc()
  #client: TestClient

  constructor(
    readonly docInfo: TestDoc,
    instance: number,
  ) {
    this.#client = this.#open(instance)
  }

  get synced(): boolean {
    return this.#client.provider.synced
  }

  #open(instance: number): TestClient {
    return openClient(cluster.collabUrl(instance), this.docInfo.id, this.docInfo.keys.edit, this.doc)
  }

  offline(): void {
    this.#client.provider.disconnect()
  }

  moveTo(instance: number): void {
    this.#client.provider.destroy()
    this.#client = this.#open(instance)
  }

  online(): void {
    this.#client.provider.connect()
  }

  destroy(): void {
    this.#client.provider.destroy()
    this.doc.destroy()
  }
}

async function perform(people: Person[], change: Step): Promise<void> {
  if (change.kind === 'pause') return void (await sleep(change.ms))
  const person = people[change.client % people.length]!
  const text = person.doc.getText('text')
  switch (change.kind) {
    case 'type':
      return text.insert(change.at % (text.length + 1), change.text)
    case 'delete':
      if (text.length > 0) text.delete(change.at % text.length, 1)
      return
    case 'set':
      person.doc.getMap('map').set(change.key, change.value)
      return
    case 'offline':
      return person.offline()
    case 'move':
      return person.moveTo(change.instance)
  }
}

async function play(steps: Step[]): Promise<void> {
  const doc = await createDoc(cluster.url(0))
  const people = Array.from({ length: CLIENTS }, (_, i) => new Person(doc, i % INSTANCES))
  try {
    for (const change of steps) {
      await perform(people, change)
      await sleep(10)
    }
    for (const person of people) person.online()
    await waitFor(
      'every client, every instance and PostgreSQL to hold the same document',
      async () => {
        if (!people.every((person) => person.synced)) return undefined
        const stored = await cluster.stored(doc.id)
        const instances = await Promise.all(Array.from({ length: INSTANCES }, (_, i) => serverState(cluster.collabUrl(i), doc.id, doc.keys.view)))
        const all = [...people.map(({ doc }) => doc), ...instances]
        const same = all.every((each) => stateVector(each) === stateVector(stored) && content(each) === content(stored))
        return same
      },
      20_000,
    )
  } finally {
    for (const person of people) person.destroy()
  }
}

describe('random edits on people spread over three instances, moving between them', () => {
  it('converge everywhere', async () => {
    const seed = process.env.CLUSTER_SEED ? Number(process.env.CLUSTER_SEED) : undefined
    const numRuns = Number(process.env.CLUSTER_RUNS ?? 3)
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 10, maxLength: 40 }), (steps) => play(steps)),
      { numRuns, seed, endOnFailure: true },
    )
  }, 180_000)
})
