import { readFile } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { createDoc } from '../../server/test/helpers/server.js'
import { waitFor } from '../../server/test/helpers/wait.js'
import { EDITOR, docLinkFor, editorText, waitForStatus, waitForText } from './helpers/app.js'
import { appWithBrowser, cspViolations, openDoc, openPage, type RecordedPage } from './helpers/browser.js'

/** Presses Ctrl+Z once and waits until the text is `expected`. */
async function undoTo(page: Page, expected: string): Promise<void> {
  await page.keyboard.press('Control+z')
  await waitFor(`the undo to leave ${JSON.stringify(expected)}`, async () => (await editorText(page)) === expected, 5_000).catch(async (error: unknown) => {
    throw new Error(`${(error as Error).message}; the text is ${JSON.stringify(await editorText(page))}`)
  })
}

/** The document's Markdown, as the Download menu gives it. */
async function downloadMarkdown(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Download' }).click()
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Markdown (.md)' }).click()])
  return readFile(await download.path(), 'utf8')
}

describe('editing', () => {
  const app = appWithBrowser()
  const pages: RecordedPage[] = []

  it('ends a link where its text ends, and opens it with Ctrl+click or from the bar under it', async () => {
    const doc = await createDoc(app.server.url, { title: 'Links' })
    const context = await app.browser.newContext({ acceptDownloads: true })
    // The link's address answers from here: the test never leaves this machine.
    await context.route('https://example.org/**', (route) => route.fulfill({ contentType: 'text/html', body: '<title>Docs</title>' }))
    const person = await openPage(context, docLinkFor(app.server.url, doc.id, doc.keys.owner))
    pages.push(person)
    const { page } = person
    await page.locator(EDITOR).click()
    await page.keyboard.type('See ')

    // Ctrl+K with nothing chosen: the address becomes the linked text. There is no link to remove yet.
    await page.keyboard.press('Control+k')
    const dialog = page.getByRole('dialog', { name: 'Add a link' })
    await dialog.waitFor()
    expect(await dialog.getByRole('button', { name: 'Remove link' }).isVisible()).toBe(false)
    await dialog.getByLabel('Address').fill('example.org/docs')
    await dialog.getByRole('button', { name: 'Apply' }).click()
    await dialog.waitFor({ state: 'detached' })
    await page.keyboard.type(' for now.')
    await waitForText(page, ['See https://example.org/docs for now.'])
    expect(await page.locator(`${EDITOR} a`).allTextContents()).toEqual(['https://example.org/docs'])
    await waitForStatus(page, 'saved')
    expect(await downloadMarkdown(page)).toBe('# Links\n\nSee [https://example.org/docs](https://example.org/docs) for now.')

    // A plain click places the caret in the link and shows the bar under it.
    await page.locator(`${EDITOR} a`).click()
    const bar = page.getByRole('group', { name: 'Link' })
    await bar.waitFor()
    const open = bar.getByRole('link', { name: 'Open https://example.org/docs' })
    expect(await open.getAttribute('href')).toBe('https://example.org/docs')
    expect(page.context().pages()).toHaveLength(1)
    const [fromBar] = await Promise.all([context.waitForEvent('page'), open.click()])
    await fromBar.waitForURL('https://example.org/docs')
    await fromBar.close()

    // Ctrl+click opens it in a new tab, and leaves the text as it was.
    const [fromClick] = await Promise.all([context.waitForEvent('page'), page.locator(`${EDITOR} a`).click({ modifiers: ['Control'] })])
    await fromClick.waitForURL('https://example.org/docs')
    await fromClick.close()
    expect(await editorText(page)).toBe('See https://example.org/docs for now.')

    // Remove, from the bar: the text stays, the link goes.
    await bar.getByRole('button', { name: 'Remove' }).click()
    await waitFor('the link to go', async () => (await page.locator(`${EDITOR} a`).count()) === 0)
    expect(await editorText(page)).toBe('See https://example.org/docs for now.')
  })

  it('undoes a word or a line break at a time, however fast the typing, and only one’s own', async () => {
    const doc = await createDoc(app.server.url, { title: 'Undo' })
    const ada = await openDoc(app, doc.id, doc.keys.owner)
    const grace = await openDoc(app, doc.id, doc.keys.edit)
    pages.push(ada, grace)
    await grace.page.locator(EDITOR).click()
    await grace.page.keyboard.type('Grace was here.')
    await waitForText(ada.page, ['Grace was here.'])

    await ada.page.locator(EDITOR).click()
    await ada.page.keyboard.press('Control+End')
    await ada.page.keyboard.press('Enter')
    // Two sentences and a line break, typed with no pause at all.
    await ada.page.keyboard.type('Alpha beta gamma.')
    await ada.page.keyboard.press('Enter')
    await ada.page.keyboard.type('Delta epsilon.')
    await waitForText(grace.page, ['Delta epsilon.'])

    await undoTo(ada.page, 'Grace was here.\nAlpha beta gamma.\nDelta ')
    await undoTo(ada.page, 'Grace was here.\nAlpha beta gamma.\n')
    await undoTo(ada.page, 'Grace was here.\nAlpha beta gamma.')
    await undoTo(ada.page, 'Grace was here.\nAlpha beta ')
    // Redo brings the word back, and typing after it starts a step of its own.
    await ada.page.keyboard.press('Control+Shift+z')
    await waitFor('the redo', async () => (await editorText(ada.page)) === 'Grace was here.\nAlpha beta gamma.')
    await ada.page.keyboard.press('End')
    await ada.page.keyboard.type(' More.')
    await undoTo(ada.page, 'Grace was here.\nAlpha beta gamma. ')
    await waitFor('the undo to reach Grace', async () => (await editorText(grace.page)) === 'Grace was here.\nAlpha beta gamma. ')
  })

  it('sends what is typed right after Enter in the title to the text, every time', async () => {
    const doc = await createDoc(app.server.url)
    const person = await openDoc(app, doc.id, doc.keys.owner)
    pages.push(person)
    const { page } = person
    await page.locator(EDITOR).waitFor()
    const title = page.getByLabel('Document title')
    for (let round = 1; round <= 6; round++) {
      await title.fill('')
      await page.locator(EDITOR).click()
      await page.keyboard.press('Control+a')
      await page.keyboard.press('Backspace')
      await waitFor('an empty text', async () => (await editorText(page)) === '')
      await title.click()
      // No pause anywhere: the keys follow each other as fast as the browser takes them.
      await page.keyboard.type('Title')
      await page.keyboard.press('Enter')
      await page.keyboard.type('Body')
      await waitFor(`round ${round}: the body`, async () => (await editorText(page)) === 'Body').catch(async (error: unknown) => {
        throw new Error(`${(error as Error).message}: title ${JSON.stringify(await title.inputValue())}, text ${JSON.stringify(await editorText(page))}`)
      })
      expect(await title.inputValue()).toBe('Title')
    }
  })

  it('underlines from the toolbar (and Ctrl+U), written to Markdown as <u>', async () => {
    const doc = await createDoc(app.server.url, { title: 'Marks' })
    const person = await openPage(await app.browser.newContext({ acceptDownloads: true }), docLinkFor(app.server.url, doc.id, doc.keys.edit))
    pages.push(person)
    const { page } = person
    await page.locator(EDITOR).click()
    await page.keyboard.type('Read ')
    const underline = page.getByRole('button', { name: 'Underline' })
    await underline.click()
    await page.keyboard.type('this')
    expect(await underline.getAttribute('aria-pressed')).toBe('true')
    await page.keyboard.press('Control+u')
    await page.keyboard.type(' first.')
    expect(await page.locator(`${EDITOR} u`).allTextContents()).toEqual(['this'])
    await waitForStatus(page, 'saved')
    expect(await downloadMarkdown(page)).toBe('# Marks\n\nRead <u>this</u> first.')
  })

  it('ran under the server’s Content-Security-Policy without a violation', () => {
    expect(cspViolations(pages.flatMap((person) => person.errors))).toEqual([])
  })
})
