import { describe, expect, it } from 'vitest'
import { createDoc } from '../../server/test/helpers/server.js'
import { EDITOR, typeAtEnd } from './helpers/app.js'
import { appWithBrowser, openDoc } from './helpers/browser.js'

describe('printing', () => {
  const app = appWithBrowser()

  it('prints the title and the text alone: no toolbar, status or menus, table rows kept whole', async () => {
    const doc = await createDoc(app.server.url, { title: 'Minutes' })
    const { page } = await openDoc(app, doc.id, doc.keys.owner)
    await typeAtEnd(page, 'Decisions:')
    await page.getByRole('button', { name: 'Insert table' }).click()
    await page.keyboard.type('Topic')

    const shown = () =>
      page.evaluate(() => {
        const visible = (selector: string) => {
          const element = document.querySelector(selector)
          return element !== null && getComputedStyle(element).display !== 'none' && element.getBoundingClientRect().height > 1
        }
        return {
          toolbar: visible('.toolbar'),
          status: visible('.status'),
          download: visible('.doc-header__actions'),
          titleHeading: visible('.doc-header h1'),
          text: visible('.ProseMirror'),
          rowBreak: getComputedStyle(document.querySelector('.ProseMirror tr')!).breakInside,
        }
      })
    expect(await shown()).toMatchObject({ toolbar: true, status: true, download: true, titleHeading: false, text: true })
    await page.emulateMedia({ media: 'print' })
    expect(await shown()).toEqual({ toolbar: false, status: false, download: false, titleHeading: true, text: true, rowBreak: 'avoid' })
    expect(await page.locator('.doc-header h1').textContent()).toBe('Minutes')
    // A real print run: Chromium lays the page out as a PDF.
    const pdf = await page.pdf({ format: 'A4' })
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    expect(await page.locator(EDITOR).textContent()).toContain('Topic')
  })
})
