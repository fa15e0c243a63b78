import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { startServer, type TestServer } from '../helpers/server.js'

let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Creates documents as a client behind one proxy would, each time with a header of its own making. */
async function createThroughProxy(times: number): Promise<number[]> {
  const statuses: number[] = []
  for (let i = 0; i < times; i++) {
    const response = await fetch(`${server!.url}/api/docs`, {
      method: 'POST',
      // The client wrote the first entry; the proxy appended the address it saw.
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i}, 203.0.113.7` },
      body: '{}',
    })
    statuses.push(response.status)
  }
  return statuses
}

describe('TRUST_PROXY', () => {
  it.each([
    ['true (one proxy)', 'true'],
    ['a count of proxies', '1'],
    ['the proxy’s address', '127.0.0.1'],
    ['the proxy’s range', '127.0.0.0/8,::1'],
  ])('with %s, a client cannot dodge per-address limits with its own X-Forwarded-For', async (_name, value) => {
    const { trustProxy } = loadConfig({ TRUST_PROXY: value })
    server = await startServer({ config: { trustProxy, createRatePerMinute: 3 } })
    expect(await createThroughProxy(5)).toEqual([201, 201, 201, 429, 429])
  })

  it('off, the header is ignored: every request is the proxy’s own', async () => {
    server = await startServer({ config: { trustProxy: false, createRatePerMinute: 3 } })
    expect(await createThroughProxy(4)).toEqual([201, 201, 201, 429])
  })
})
