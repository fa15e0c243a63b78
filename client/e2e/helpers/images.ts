import { readFile } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import { EDITOR } from './app.js'

/** Pastes a file as a browser does when an image is on the clipboard. */
export async function pasteImage(page: Page, path: string, type: string): Promise<void> {
  const base64 = (await readFile(path)).toString('base64')
  await page.locator(EDITOR).evaluate(
    (editor, { base64, type }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
      const data = new DataTransfer()
      data.items.add(new File([bytes], 'pasted', { type }))
      editor.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
    },
    { base64, type },
  )
}

/** The images a page shows: loaded (their natural width known), with their alt text. */
const shownImages = (page: Page) =>
  page.$$eval(`${EDITOR} figure.doc-image img`, (images) =>
    images.map((img) => ({ width: (img as HTMLImageElement).naturalWidth, alt: (img as HTMLImageElement).alt })),
  )

export async function waitForImages(page: Page, count: number, timeout = 20_000): Promise<{ width: number; alt: string }[]> {
  await page.waitForFunction(
    ({ selector, count }) => {
      const images = [...document.querySelectorAll<HTMLImageElement>(selector)]
      return images.length === count && images.every((img) => img.complete && img.naturalWidth > 0)
    },
    { selector: `${EDITOR} figure.doc-image img`, count },
    { timeout },
  )
  return shownImages(page)
}
