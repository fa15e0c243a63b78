import { readFile } from 'node:fs/promises'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDoc, startServer, type TestServer } from '../../server/test/helpers/server.js'
import { EDITOR, docLinkFor, waitForStatus } from './helpers/app.js'
import { launchBrowser, openPage } from './helpers/browser.js'

describe('download', () => {
  let server: TestServer
  let browser: Browser

  beforeAll(async () => {
    server = await startServer()
    browser = await launchBrowser()
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('gives Markdown with the heading and the list typed in the editor', async () => {
    const doc = await createDoc(server.url, { title: 'Groceries' })
    const { page } = await openPage(await browser.newContext({ acceptDownloads: true }), docLinkFor(server.url, doc.id, doc.keys.edit))
    await page.locator(EDITOR).click()
    // Formatting from the toolbar and from Markdown-style typing.
    await page.getByRole('button', { name: 'Heading 1' }).click()
    await page.keyboard.type('Market day')
    await page.keyboard.press('Enter')
    await page.getByRole('button', { name: 'Bulleted list' }).click()
    await page.keyboard.type('Apples')
    await page.keyboard.press('Enter')
    await page.keyboard.type('Pears')
    await page.keyboard.press('Enter')
    await page.keyboard.press('Enter')
    await page.keyboard.type('Bring **bags** ')
    await waitForStatus(page, 'saved')

    await page.getByRole('button', { name: 'Download' }).click()
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Markdown (.md)' }).click()])
    expect(download.suggestedFilename()).toBe('groceries.md')
    const markdown = await readFile(await download.path(), 'utf8')
    expect(markdown).toContain('# Market day')
    expect(markdown).toMatch(/^- Apples\n- Pears$/m)

    await page.getByRole('button', { name: 'Download' }).click()
    const [html] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Web page (.html)' }).click()])
    expect(html.suggestedFilename()).toBe('groceries.html')
    const body = await readFile(await html.path(), 'utf8')
    expect(body).toContain('<h1>Market day</h1>')
    expect(body).toContain('<li><p>Apples</p></li>')
  })
})
