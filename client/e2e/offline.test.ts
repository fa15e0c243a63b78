import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startChildServer, type ChildServer } from '../../server/test/helpers/child-server.js'
import { serverState } from '../../server/test/helpers/clients.js'
import { createDoc, type TestDoc } from '../../server/test/helpers/server.js'
import {
  EDITOR,
  bodyXml,
  caretToEnd,
  docLinkFor,
  editorText,
  waitForOfflineReady,
  waitForStatus,
  waitForStatusLabel,
  waitForText,
  typeAtEnd,
} from './helpers/app.js'
import { cspViolations, launchBrowser, openPage, type RecordedPage } from './helpers/browser.js'
import { pasteImage, waitForImages } from './helpers/images.js'

const PNG = fileURLToPath(new URL('../../server/test/fixtures/images/pixels.png', import.meta.url))

const KEPT = 'Offline — changes kept on this device'

/** The built server as `npm start` runs it, so it can be stopped and started again on its port. */
async function start(dataDir: string, port = 0): Promise<ChildServer> {
  return startChildServer({ DATA_DIR: dataDir, PORT: String(port) })
}

async function stop(server: ChildServer): Promise<void> {
  server.process.kill('SIGTERM')
  await server.exited
}

describe('offline and reload', () => {
  let dataDir: string
  let server: ChildServer
  let browser: Browser
  let doc: TestDoc
  let ada: RecordedPage
  let grace: RecordedPage

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'quire-e2e-offline-'))
    server = await start(dataDir)
    browser = await launchBrowser()
    doc = await createDoc(server.url, { title: 'Field notes' })
    ada = await openPage(await browser.newContext(), docLinkFor(server.url, doc.id, doc.keys.owner))
    grace = await openPage(await browser.newContext(), docLinkFor(server.url, doc.id, doc.keys.edit))
  })

  afterAll(async () => {
    await browser?.close()
    if (server && server.process.exitCode === null) await stop(server)
    await rm(dataDir, { recursive: true, force: true })
  })

  it('keeps everything across a reload', async () => {
    await typeAtEnd(ada.page, 'Before the outage.')
    await ada.page.locator('.doc-title').fill('Field notes, day one')
    await waitForText(grace.page, ['Before the outage.'])
    await waitForStatus(ada.page, 'saved')

    await ada.page.reload()
    await waitForText(ada.page, ['Before the outage.'])
    expect(await ada.page.inputValue('.doc-title')).toBe('Field notes, day one')
    await waitForStatus(ada.page, 'saved')
    for (const person of [ada, grace]) await waitForOfflineReady(person.page)
  })

  it('keeps typing with the server stopped, survives a reload, and converges when it is back', async () => {
    const port = new URL(server.url).port
    await stop(server)
    await waitForStatus(ada.page, 'offline')
    await waitForStatus(grace.page, 'offline')

    await typeAtEnd(ada.page, ' Ada offline.')
    await waitForStatusLabel(ada.page, KEPT)
    // The page itself comes from the service worker, the text from this device's copy.
    await ada.page.reload()
    await waitForText(ada.page, ['Before the outage. Ada offline.'])
    await waitForStatus(ada.page, 'offline')
    await typeAtEnd(ada.page, ' Ada after reloading.')
    await waitForStatusLabel(ada.page, KEPT)

    await caretToEnd(grace.page)
    await grace.page.keyboard.press('Enter')
    await grace.page.keyboard.type('Grace offline too.')
    await waitForStatusLabel(grace.page, KEPT)

    server = await start(dataDir, Number(port))
    const everything = ['Before the outage. Ada offline. Ada after reloading.', 'Grace offline too.']
    for (const person of [ada, grace]) {
      await waitForText(person.page, everything, 30_000)
      await waitForStatus(person.page, 'saved', 30_000)
    }
    expect(await editorText(ada.page)).toBe(await editorText(grace.page))

    const stored = await serverState(server.collabUrl, doc.id, doc.keys.view)
    for (const part of everything) expect(bodyXml(stored)).toContain(part)
    stored.destroy()
    expect(cspViolations([...ada.errors, ...grace.errors])).toEqual([])
  })

  it('opens the stored copy on a reload while the server is still down', async () => {
    // A third reload with the server stopped again: the latest text, not an error page.
    const port = new URL(server.url).port
    await stop(server)
    await ada.page.reload()
    await waitForText(ada.page, ['Grace offline too.'])
    expect(await ada.page.locator(EDITOR).getAttribute('contenteditable')).toBe('true')
    server = await start(dataDir, Number(port))
    await waitForStatus(ada.page, 'saved', 30_000)
  })

  it('shows an image pasted while the server is down at once, and uploads it when the server is back', async () => {
    const port = new URL(server.url).port
    await stop(server)
    await waitForStatus(ada.page, 'offline')
    await caretToEnd(ada.page)
    await ada.page.keyboard.press('Enter')
    await pasteImage(ada.page, PNG, 'image/png')
    expect(await waitForImages(ada.page, 1)).toEqual([{ width: 3, alt: '' }])
    server = await start(dataDir, Number(port))
    expect(await waitForImages(grace.page, 1, 45_000)).toEqual([{ width: 3, alt: '' }])
    expect(cspViolations([...ada.errors, ...grace.errors])).toEqual([])
  })
})
