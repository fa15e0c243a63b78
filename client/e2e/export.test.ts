import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { createDoc } from '../../server/test/helpers/server.js'
import { EDITOR, docLinkFor, waitForStatus } from './helpers/app.js'
import { appWithBrowser, openPage, openDoc } from './helpers/browser.js'

describe('download', () => {
  const app = appWithBrowser()

  it('gives Markdown with the heading and the list typed in the editor', async () => {
    const doc = await createDoc(app.server.url, { title: 'Groceries' })
    const { page } = await openPage(await app.browser.newContext({ acceptDownloads: true }), docLinkFor(app.server.url, doc.id, doc.keys.edit))
    await page.locator(EDITOR).click()
    // Formatting from the toolbar and from Markdown-style typing.
    await page.getByRole('button', { name: 'H1' }).click()
    await page.keyboard.type('Market day')
    await page.keyboard.press('Enter')
    await page.getByRole('button', { name: 'Bulleted list' }).click()
    await page.keyboard.type('Apples')
    await page.keyboard.press('Enter')
    await page.keyboard.type('Pears')
    await page.keyboard.press('Enter')
    await page.keyboard.press('Enter')
    await page.keyboard.type('Bring **bags** and ')
    // The usual shortcuts: bold, then a link through the link dialog (Ctrl+K).
    await page.keyboard.press('Control+b')
    await page.keyboard.type('coins')
    await page.keyboard.press('Control+b')
    await page.keyboard.type(' from the bank')
    for (let i = 0; i < 'bank'.length; i++) await page.keyboard.press('Shift+ArrowLeft')
    await page.keyboard.press('Control+k')
    const linkDialog = page.getByRole('dialog', { name: 'Add a link' })
    await linkDialog.getByLabel('Address').fill('javascript:alert(1)')
    await linkDialog.getByRole('button', { name: 'Apply' }).click()
    await linkDialog.getByRole('alert').filter({ hasText: 'Use a web address' }).waitFor()
    await linkDialog.getByLabel('Address').fill('bank.example.org')
    await linkDialog.getByRole('button', { name: 'Apply' }).click()
    await linkDialog.waitFor({ state: 'detached' })
    await waitForStatus(page, 'saved')

    await page.getByRole('button', { name: 'Download' }).click()
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Markdown (.md)' }).click()])
    expect(download.suggestedFilename()).toBe('groceries.md')
    const markdown = await readFile(await download.path(), 'utf8')
    // The title on top, then the text.
    expect(markdown).toMatch(/^# Groceries\n\n# Market day\n/)
    expect(markdown).toMatch(/^- Apples\n- Pears$/m)
    expect(markdown).toContain('Bring **bags** and **coins** from the [bank](https://bank.example.org)')
    expect(markdown).not.toContain('javascript:')

    await page.getByRole('button', { name: 'Download' }).click()
    const [html] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Web page (.html)' }).click()])
    expect(html.suggestedFilename()).toBe('groceries.html')
    const body = await readFile(await html.path(), 'utf8')
    expect(body).toContain('<h1>Market day</h1>')
    expect(body).toContain('<li><p>Apples</p></li>')
  })

  it('has a toolbar that is one tab stop, walked with the arrow keys', async () => {
    const doc = await createDoc(app.server.url)
    const { page } = await openDoc(app, doc.id, doc.keys.owner)
    await page.locator(EDITOR).waitFor()
    const bold = page.getByRole('button', { name: 'Bold' })
    await bold.focus()
    await page.keyboard.press('ArrowRight')
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Italic')
    await page.keyboard.press('End')
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Redo')
    // The toolbar keeps one tab stop: the button last focused.
    expect(await page.locator('.toolbar [tabindex="0"]').count()).toBe(1)
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.classList.contains('ProseMirror'))).toBe(true)
  })
})
