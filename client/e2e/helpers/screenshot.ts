import type { Browser } from 'playwright-core'

/**
 * Puts screenshots side by side in one PNG, composed by the browser itself: a blank page
 * that shows them as images, captured once.
 */
export async function sideBySide(browser: Browser, shots: Buffer[], path: string): Promise<void> {
  const context = await browser.newContext({ deviceScaleFactor: 1 })
  try {
    const page = await context.newPage()
    const images = shots.map((shot) => `<img src="data:image/png;base64,${shot.toString('base64')}">`).join('')
    await page.setContent(`<body style="margin:0;background:#d9d6cf"><div id="shots" style="display:inline-flex;gap:12px;padding:12px">${images}</div></body>`)
    await page.waitForFunction(() => [...document.images].every((image) => image.complete && image.naturalWidth > 0))
    await page.locator('#shots').screenshot({ path })
  } finally {
    await context.close()
  }
}
