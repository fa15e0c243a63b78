/**
 * What an administrator does with the image, checked for real: start it on an empty volume,
 * see it healthy, write a document through the API and the collab socket with a stock
 * y-websocket client, stop it with SIGTERM, start a second one on the same volume and find the
 * edit there.
 */
import * as Y from 'yjs'
import { CloseCode, CONTENT_FIELD, type CreateDocResponse } from '@quire/shared'
import { connectClient } from '../../server/test/helpers/clients.js'
import { waitFor } from '../../server/test/helpers/wait.js'
import type { Started } from './target.js'

export interface Tally {
  passed: number
  failed: number
}

class CheckFailed extends Error {
  override name = 'CheckFailed'
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new CheckFailed(message)
}

function keyOf(link: string): string {
  const key = /key=([^&]+)/.exec(new URL(link).hash)?.[1]
  if (!key) throw new CheckFailed(`no key in the link ${link}`)
  return decodeURIComponent(key)
}

async function waitHealthy(url: string): Promise<void> {
  await waitFor(
    `${url}/healthz to answer 200`,
    async () => {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined)
      return response?.ok === true
    },
    90_000,
  )
}

async function exportedText(url: string, id: string, key: string): Promise<string> {
  const response = await fetch(`${url}/api/docs/${id}/export?format=text`, { headers: { authorization: `Bearer ${key}` } })
  check(response.status === 200, `export answered ${response.status}: ${await response.clone().text()}`)
  return response.text()
}

/** Types `text` as the editor would: a paragraph in the document's XML fragment. */
function typeParagraph(doc: Y.Doc, text: string): void {
  doc.transact(() => {
    const paragraph = new Y.XmlElement('paragraph')
    paragraph.insert(0, [new Y.XmlText(text)])
    const fragment = doc.getXmlFragment(CONTENT_FIELD)
    fragment.insert(fragment.length, [paragraph])
  })
}

export async function runScenario(start: () => Promise<Started>, log: (line: string) => void): Promise<Tally> {
  const tally: Tally = { passed: 0, failed: 0 }
  const started: Started[] = []
  const step = async (name: string, body: () => Promise<string | void>): Promise<void> => {
    const begun = Date.now()
    try {
      const detail = await body()
      tally.passed++
      log(`  ✓ ${name}${detail ? ` — ${detail}` : ''} (${Date.now() - begun} ms)`)
    } catch (error) {
      tally.failed++
      log(`  ✗ ${name}: ${error instanceof Error ? error.message : String(error)}`)
      throw error
    }
  }

  const edit = `Written in the container at ${new Date().toISOString()}`
  let doc: CreateDocResponse | undefined
  let ownerKey = ''
  try {
    const first = await start()
    started.push(first)
    log(`first server: ${first.target.describe}`)
    const { url } = first
    const collabUrl = `${url.replace(/^http/, 'ws')}/collab`

    await step('answers /healthz on an empty volume', () => waitHealthy(url))
    await step("passes the image's HEALTHCHECK", async () => {
      const result = await first.target.healthcheck()
      check(result.ok, result.detail)
      return result.detail
    })
    await step('runs as a non-root user and owns its store', async () => {
      const uid = await first.target.serverUid()
      check(Number.isInteger(uid) && uid !== 0, `the server runs as uid ${uid}`)
      const owner = await first.target.dataOwnerUid()
      check(owner === uid, `the store belongs to uid ${owner}, the server is uid ${uid}`)
      return `uid ${uid}`
    })
    await step("serves the client's page", async () => {
      const response = await fetch(`${url}/`)
      const body = await response.text()
      check(response.status === 200, `GET / answered ${response.status}`)
      check((response.headers.get('content-type') ?? '').startsWith('text/html') && /<html/i.test(body), 'GET / is not the page')
    })
    await step('creates a document through the API', async () => {
      const response = await fetch(`${url}/api/docs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Container check' }),
      })
      check(response.status === 201, `POST /api/docs answered ${response.status}: ${await response.clone().text()}`)
      doc = (await response.json()) as CreateDocResponse
      ownerKey = keyOf(doc.links.owner)
      return doc.id
    })
    const docId = doc?.id ?? ''

    const closeCodes: number[] = []
    const client = await connectClient(collabUrl, docId, ownerKey)
    client.provider.on('connection-close', (event) => {
      if (event) closeCodes.push(event.code)
    })
    try {
      await step('takes an edit from a stock y-websocket client', async () => {
        typeParagraph(client.doc, edit)
        await waitFor('the edit in the export', async () => (await exportedText(url, docId, ownerKey)).includes(edit), 15_000)
      })
      await step('drains on SIGTERM and exits 0', async () => {
        const code = await first.target.stop()
        check(code === 0, `exit code ${code}\n${(await first.target.logs()).split('\n').slice(-15).join('\n')}`)
        await waitFor('the client to see the server go', () => closeCodes.length > 0, 10_000)
        check(closeCodes[0] === CloseCode.shuttingDown, `the socket closed with ${closeCodes[0]}, not ${CloseCode.shuttingDown}`)
        return `socket closed with ${closeCodes[0]}`
      })
    } finally {
      client.destroy()
    }

    const second = await start()
    started.push(second)
    log(`second server: ${second.target.describe}`)
    await step('starts again on the same volume', () => waitHealthy(second.url))
    await step('still has the edit', async () => {
      check((await exportedText(second.url, docId, ownerKey)).includes(edit), 'the export lacks the edit')
      const reader = await connectClient(`${second.url.replace(/^http/, 'ws')}/collab`, docId, ownerKey)
      try {
        const text = reader.doc.getXmlFragment(CONTENT_FIELD).toString()
        check(text.includes(edit), `a new client reads ${text}`)
      } finally {
        reader.destroy()
      }
    })
    await step('exits 0 on SIGTERM again', async () => {
      const code = await second.target.stop()
      check(code === 0, `exit code ${code}`)
    })
  } catch (error) {
    if (tally.failed === 0) {
      tally.failed++
      log(`  ✗ ${error instanceof Error ? error.message : String(error)}`)
    }
    for (const server of started) log(`--- last lines of ${server.target.describe}:\n${(await server.target.logs()).split('\n').slice(-30).join('\n')}`)
  } finally {
    for (const server of started) await server.target.remove()
  }
  return tally
}
