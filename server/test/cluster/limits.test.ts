/**
 * Limits hold across the cluster, not per instance: documents created and failed key checks
 * count in Redis, so spreading requests over instances gains an attacker nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestCluster } from '../helpers/cluster.js'
import { createDoc } from '../helpers/server.js'

const LIMIT = 4
let cluster: TestCluster

beforeAll(async () => {
  cluster = await TestCluster.start(2, { CREATE_RATE_PER_MINUTE: String(LIMIT), FAILED_KEY_CHECKS_PER_MINUTE: String(LIMIT) })
})

afterAll(async () => {
  await cluster?.close()
})

describe('limits shared by the instances', () => {
  it('count failed key checks over every instance', async () => {
    const doc = await createDoc(cluster.url(0))
    const wrong = (instance: number) => fetch(`${cluster.url(instance)}/api/docs/${doc.id}`, { headers: { authorization: 'Bearer not-the-key' } })
    for (let attempt = 0; attempt < LIMIT; attempt++) expect((await wrong(attempt % 2)).status).toBe(403)
    // Even the right key waits now, on either instance.
    for (const instance of [0, 1]) {
      const refused = await fetch(`${cluster.url(instance)}/api/docs/${doc.id}`, { headers: { authorization: `Bearer ${doc.keys.owner}` } })
      expect(refused.status).toBe(429)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    }
  })

  it('count documents created over every instance', async () => {
    // One was created above.
    const statuses: number[] = []
    for (let n = 0; n < LIMIT; n++) {
      const response = await fetch(`${cluster.url(n % 2)}/api/docs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
      statuses.push(response.status)
    }
    expect(statuses).toEqual([201, 201, 201, 429])
  })
})
