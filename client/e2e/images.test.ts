import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createDoc } from '../../server/test/helpers/server.js'
import { EDITOR, docLinkFor, typeAtEnd, waitForStatus } from './helpers/app.js'
import { appWithBrowser, openPage } from './helpers/browser.js'
import { pasteImage, waitForImages } from './helpers/images.js'

const PNG = fileURLToPath(new URL('../../server/test/fixtures/images/pixels.png', import.meta.url))
const SCREENSHOT = fileURLToPath(new URL('../../docs/tables-and-images.png', import.meta.url))
const JPEG = fileURLToPath(new URL('../../server/test/fixtures/images/pixels.jpg', import.meta.url))

describe('images', () => {
  const app = appWithBrowser()

  it('one person picks and pastes images, the other sees them; alt text travels; offline paste shows at once and uploads when back online', async () => {
    const doc = await createDoc(app.server.url, { title: 'Screenshots' })
    const adaContext = await app.browser.newContext()
    const ada = (await openPage(adaContext, docLinkFor(app.server.url, doc.id, doc.keys.owner))).page
    const grace = (await openPage(await app.browser.newContext(), docLinkFor(app.server.url, doc.id, doc.keys.view))).page
    await grace.locator(EDITOR).waitFor()

    await typeAtEnd(ada, 'The new screen:')
    await ada.keyboard.press('Enter')
    // Insert image opens the file picker.
    const [chooser] = await Promise.all([ada.waitForEvent('filechooser'), ada.getByRole('button', { name: 'Insert image' }).click()])
    await chooser.setFiles(PNG)
    expect(await waitForImages(ada, 1)).toEqual([{ width: 3, alt: '' }])
    // A view link sees it too, fetched with its own key.
    expect(await waitForImages(grace, 1)).toEqual([{ width: 3, alt: '' }])

    // Alt text, typed under the selected image, reaches the other page.
    await ada.locator(`${EDITOR} figure.doc-image img`).click()
    await ada.getByLabel('Alt text').fill('Three green pixels')
    await ada.getByLabel('Alt text').press('Enter')
    await grace.waitForFunction(
      (selector) => document.querySelector<HTMLImageElement>(selector)?.alt === 'Three green pixels',
      `${EDITOR} figure.doc-image img`,
    )

    // Offline, a pasted image shows at once from its own bytes; the others see it once it is uploaded.
    await waitForStatus(ada, 'saved')
    await adaContext.setOffline(true)
    await typeAtEnd(ada, '')
    await pasteImage(ada, JPEG, 'image/jpeg')
    expect((await waitForImages(ada, 2))[1]).toEqual({ width: 3, alt: '' })
    expect(await grace.locator(`${EDITOR} figure.doc-image`).count()).toBe(1)
    await adaContext.setOffline(false)
    expect(await waitForImages(grace, 2)).toEqual([
      { width: 3, alt: 'Three green pixels' },
      { width: 3, alt: '' },
    ])
    expect((await app.server.store.listFiles(doc.id)).map(({ type }) => type).sort()).toEqual(['image/jpeg', 'image/png'])
  })

  it('shows a table and an image together, as in the README', async () => {
    const doc = await createDoc(app.server.url, { title: 'Release review' })
    const context = await app.browser.newContext({ viewport: { width: 900, height: 760 }, deviceScaleFactor: 1 })
    await context.addInitScript(() => localStorage.setItem('quire.identity', JSON.stringify({ name: 'Ada', color: '#2d6cb5' })))
    const page = (await openPage(context, docLinkFor(app.server.url, doc.id, doc.keys.owner))).page
    await typeAtEnd(page, 'Where each part of the release stands.')
    await page.keyboard.press('Enter')
    await page.keyboard.type('The new sign-up screen:')
    await page.keyboard.press('Enter')
    // An image drawn by the browser itself, pasted in as from a screenshot tool.
    await page.locator(EDITOR).evaluate((editor) => {
      const canvas = document.createElement('canvas')
      canvas.width = 480
      canvas.height = 200
      const g = canvas.getContext('2d')!
      g.fillStyle = '#e6efe9'
      g.fillRect(0, 0, 480, 200)
      g.fillStyle = '#2f5d50'
      g.fillRect(24, 24, 432, 36)
      g.fillStyle = '#ffffff'
      for (const [y, w] of [
        [90, 300],
        [130, 220],
      ] as const)
        g.fillRect(24, y, w, 24)
      g.fillStyle = '#2d6cb5'
      g.fillRect(24, 166, 120, 24)
      canvas.toBlob((blob) => {
        const data = new DataTransfer()
        data.items.add(new File([blob!], 'sign-up.png', { type: 'image/png' }))
        editor.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
      }, 'image/png')
    })
    await waitForImages(page, 1)
    await page.locator(`${EDITOR} figure.doc-image img`).click()
    await page.getByLabel('Alt text').fill('The sign-up screen: a title bar, two fields and a button')
    await page.getByLabel('Alt text').press('Enter')
    // The table goes between the two paragraphs.
    await page.locator(`${EDITOR} p`).first().click()
    await page.keyboard.press('End')
    await page.keyboard.press('Enter')
    await page.getByRole('button', { name: 'Insert table' }).click()
    const cells = ['Part', 'Owner', 'State', 'Editor', 'Ada', 'Ready', 'Exports', 'Grace', 'In review', 'Sign-up', 'Linus', 'Drafting']
    for (const [i, cell] of cells.entries()) {
      await page.keyboard.type(cell)
      if (i < cells.length - 1) await page.keyboard.press('Tab')
    }
    await page.locator(`${EDITOR} > p`).first().click()
    await waitForStatus(page, 'saved')
    expect(await waitForImages(page, 1)).toEqual([{ width: 480, alt: 'The sign-up screen: a title bar, two fields and a button' }])
    await page.screenshot({ path: SCREENSHOT })
  })
})
