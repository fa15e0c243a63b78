import { createRequire } from 'node:module'
import type { AxeResults } from 'axe-core'
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { createDoc } from '../../server/test/helpers/server.js'
import { EDITOR, docLinkFor, typeAtEnd, waitForStatus } from './helpers/app.js'
import { appWithBrowser, cspViolations, openPage, type AppWithBrowser, type RecordedPage } from './helpers/browser.js'

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

/**
 * A browser context whose pages carry axe-core. It comes in as an init script, which the
 * browser adds itself: the page's Content-Security-Policy (scripts from its own origin only)
 * stays as it is, and the app runs exactly as it does for everyone.
 */
async function axeContext(app: AppWithBrowser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await app.browser.newContext(options)
  await context.addInitScript({ path: AXE_SCRIPT })
  return context
}

/** What axe-core finds wrong with the page as it is now: one line per rule, with where. */
async function axeViolations(page: Page): Promise<string[]> {
  const results = await page.evaluate(() => (window as unknown as { axe: { run(): Promise<AxeResults> } }).axe.run())
  return results.violations.map(
    (violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
  )
}

describe('accessibility', () => {
  const app = appWithBrowser({ config: { versionAfterIdleMs: 1_000, versionEveryMs: 60_000 } })
  const pages: RecordedPage[] = []

  it('axe-core finds nothing on the home page, the document, its share dialog and its History panel', async () => {
    const doc = await createDoc(app.server.url, { title: 'Checked' })
    const owner = await openPage(await axeContext(app), docLinkFor(app.server.url, doc.id, doc.keys.owner))
    pages.push(owner)
    const { page } = owner
    await page.locator(EDITOR).click()
    await page.keyboard.type('## Notes')
    await page.keyboard.press('Enter')
    await page.keyboard.type('Some text with a ')
    await page.keyboard.press('Control+b')
    await page.keyboard.type('bold')
    await page.keyboard.press('Control+b')
    await page.keyboard.type(' word.')
    await waitForStatus(page, 'saved')
    expect(await axeViolations(page), 'the document').toEqual([])

    await page.getByRole('button', { name: 'Share' }).click()
    const share = page.getByRole('dialog', { name: 'Share' })
    await share.locator('#share-edit').waitFor()
    expect(await axeViolations(page), 'the share dialog').toEqual([])
    await share.getByRole('button', { name: 'Done' }).click()

    await page.getByRole('button', { name: /^Your colour/ }).click()
    await page.getByRole('radio', { name: 'Moss' }).waitFor()
    expect(await axeViolations(page), 'the colour picker').toEqual([])
    await page.keyboard.press('Escape')

    await page.getByRole('button', { name: 'History', exact: true }).click()
    const panel = page.getByRole('complementary', { name: 'History' })
    await panel.locator('.version').first().click({ timeout: 30_000 })
    await panel.locator('.diff__block').first().waitFor()
    expect(await axeViolations(page), 'a version in the History panel').toEqual([])
    await panel.getByRole('button', { name: '← All versions' }).click()
    expect(await axeViolations(page), 'the History panel').toEqual([])

    await page.goto(`${app.server.url}/`)
    await page.getByRole('link', { name: 'Checked' }).waitFor()
    expect(await axeViolations(page), 'the home page').toEqual([])
  })

  it('axe-core finds nothing on the pages that say why a document cannot be shown', async () => {
    const doc = await createDoc(app.server.url, { title: 'Gone soon' })
    const gone = await createDoc(app.server.url, { title: 'Gone' })
    const rotated = await fetch(`${app.server.url}/api/docs/${doc.id}/links/rotate`, { method: 'POST', headers: { authorization: `Bearer ${doc.keys.owner}` } })
    expect(rotated.status).toBe(200)
    const deleted = await fetch(`${app.server.url}/api/docs/${gone.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${gone.keys.owner}` } })
    expect(deleted.status).toBe(204)

    const visitor = await openPage(await axeContext(app))
    pages.push(visitor)
    const cases = [
      [docLinkFor(app.server.url, doc.id, doc.keys.edit), 'This link does not open the document'],
      [docLinkFor(app.server.url, gone.id, gone.keys.edit), 'No such document'],
      [`${app.server.url}/d/not%20an%20id`, 'Page not found'],
    ] as const
    for (const [url, title] of cases) {
      await visitor.page.goto(url)
      await visitor.page.getByRole('heading', { level: 1, name: title }).waitFor()
      expect(await axeViolations(visitor.page), title).toEqual([])
    }
  })

  it('shows where the focus is in the title: an outline, not only a colour', async () => {
    const doc = await createDoc(app.server.url, { title: 'Focus' })
    const person = await openPage(await app.browser.newContext(), docLinkFor(app.server.url, doc.id, doc.keys.edit))
    pages.push(person)
    await person.page.getByLabel('Document title').focus()
    const outline = await person.page.getByLabel('Document title').evaluate((input) => {
      const style = getComputedStyle(input)
      return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) }
    })
    expect(outline.style).not.toBe('none')
    expect(outline.width).toBeGreaterThanOrEqual(2)
  })

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
    expect(
      await page
        .getByRole('toolbar', { name: 'Formatting' })
        .evaluate((toolbar) => toolbar.getBoundingClientRect().top >= 0 && toolbar.getBoundingClientRect().bottom <= 110),
    ).toBe(true)
  })

  it('ran under the server’s Content-Security-Policy without a violation', () => {
    expect(cspViolations(pages.flatMap((person) => person.errors))).toEqual([])
  })
})
