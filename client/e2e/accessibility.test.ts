import { describe, expect, it } from 'vitest'
import { createDoc } from '../../server/test/helpers/server.js'
import { docLinkFor, typeAtEnd } from './helpers/app.js'
import { appWithBrowser, cspViolations, openPage, type RecordedPage } from './helpers/browser.js'

describe('accessibility', () => {
  const app = appWithBrowser()
  const pages: RecordedPage[] = []

  it('keeps a compact, opaque bar on top of a phone’s screen while the text scrolls', async () => {
    const doc = await createDoc(app.server.url, { title: 'A long read on a phone' })
    const person = await openPage(
      await app.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }),
      docLinkFor(app.server.url, doc.id, doc.keys.edit),
    )
    pages.push(person)
    const { page } = person
    await typeAtEnd(page, 'Line of text.')
    for (let i = 0; i < 40; i++) await page.keyboard.press('Enter')
    await page.keyboard.type('The end.')
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2))
    await page.waitForFunction(() => window.scrollY > 200)

    // What stays on top: its height, and whether anything shows through it.
    const bar = await page.evaluate(() => {
      const stuck = [...document.querySelectorAll<HTMLElement>('.doc-header, .doc-header *')].filter((element) => {
        const style = getComputedStyle(element)
        const box = element.getBoundingClientRect()
        return (style.position === 'sticky' || style.position === 'fixed') && box.height > 0 && box.top >= 0
      })
      const bottom = Math.max(...stuck.map((element) => element.getBoundingClientRect().bottom))
      const opaque = stuck.every((element) => {
        const style = getComputedStyle(element)
        const alpha = /rgba?\(([^)]+)\)/.exec(style.backgroundColor)?.[1]?.split(',')[3]
        return (alpha === undefined || Number(alpha) === 1) && style.backdropFilter === 'none'
      })
      // Below the bar, the text; within it, never the text.
      const under = document.elementFromPoint(200, bottom - 4)
      return { count: stuck.length, bottom, opaque, textUnder: Boolean(under?.closest('.ProseMirror')) }
    })
    expect(bar.count).toBeGreaterThan(0)
    expect(bar.bottom).toBeLessThanOrEqual(110)
    expect(bar.opaque).toBe(true)
    expect(bar.textUnder).toBe(false)
    // The toolbar is part of it, so formatting stays at hand.
    expect(await page.getByRole('toolbar', { name: 'Formatting' }).evaluate((toolbar) => toolbar.getBoundingClientRect().top >= 0 && toolbar.getBoundingClientRect().bottom <= 110)).toBe(true)
  })

  it('ran under the server’s Content-Security-Policy without a violation', () => {
    expect(cspViolations(pages.flatMap((person) => person.errors))).toEqual([])
  })
})
