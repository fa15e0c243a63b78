import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'

import { EDITOR, waitForStatus, waitForText, typeAtEnd } from './helpers/app.js'
import { appWithBrowser, cspViolations, openPage, type RecordedPage } from './helpers/browser.js'

const LINK_NAMES = { owner: 'Owner', edit: 'Edit', view: 'View' } as const

/** Opens the share dialog and copies one of its links, as a person would; returns what the clipboard holds. */
async function copyLink(page: Page, role: 'owner' | 'edit' | 'view'): Promise<string> {
  await page.getByRole('button', { name: 'Share' }).click()
  const dialog = page.getByRole('dialog', { name: 'Share' })
  await dialog.getByRole('button', { name: `Copy ${role} link` }).click()
  await dialog.getByText(`${LINK_NAMES[role]} link copied.`).waitFor()
  const copied = await page.evaluate(() => navigator.clipboard.readText())
  await dialog.getByRole('button', { name: 'Done' }).click()
  return copied
}

describe('from the home page to a shared document', () => {
  const app = appWithBrowser()

  it('New document → share dialog → the copied edit link opens the same document elsewhere', async () => {
    const ownerContext = await app.browser.newContext()
    await ownerContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.server.url })
    const owner: RecordedPage = await openPage(ownerContext, `${app.server.url}/`)
    expect(await owner.page.title()).toBe('Quire')
    await owner.page.getByRole('button', { name: 'New document' }).click()
    await owner.page.waitForURL(/\/d\/[A-Za-z0-9_-]+#key=/)
    const ownerUrl = new URL(owner.page.url())

    await owner.page.getByLabel('Document title').fill('Shared plans')
    await typeAtEnd(owner.page, 'Written by the owner.')
    await waitForStatus(owner.page, 'saved')

    // The owner's rights are a link only this browser remembers: the dialog says so, and copies it.
    await owner.page.getByRole('button', { name: 'Share' }).click()
    await owner.page.getByRole('dialog', { name: 'Share' }).getByText('only this browser remembers it').waitFor()
    await owner.page.getByRole('dialog', { name: 'Share' }).getByRole('button', { name: 'Done' }).click()
    expect(await copyLink(owner.page, 'owner')).toBe(ownerUrl.href)

    const editLink = await copyLink(owner.page, 'edit')
    const copied = new URL(editLink)
    expect(copied.pathname).toBe(ownerUrl.pathname)
    expect(copied.hash).toMatch(/^#key=/)
    expect(copied.hash).not.toBe(ownerUrl.hash)

    // The guest is on a phone.
    const editor = await openPage(await app.browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true }), editLink)
    await waitForText(editor.page, ['Written by the owner.'])
    expect(await editor.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
    expect(await editor.page.getByRole('button', { name: 'Share' }).isVisible()).toBe(true)
    expect(await editor.page.getByRole('button', { name: 'Download' }).isVisible()).toBe(true)
    expect(await editor.page.inputValue('.doc-title')).toBe('Shared plans')
    expect(await editor.page.title()).toBe('Shared plans · Quire')
    // An edit link edits: the toolbar is there, and what it types reaches the owner.
    expect(await editor.page.locator('.toolbar').count()).toBe(1)
    await typeAtEnd(editor.page, ' And by a guest.')
    await waitForText(owner.page, ['Written by the owner. And by a guest.'])

    // The home page lists the document, with the owner's link.
    await owner.page.goto(`${app.server.url}/`)
    const entry = owner.page.getByRole('link', { name: 'Shared plans' })
    expect(await entry.getAttribute('href')).toBe(ownerUrl.pathname + ownerUrl.hash)
    await entry.click()
    await owner.page.locator(EDITOR).waitFor()
    await waitForText(owner.page, ['And by a guest.'])
    expect(cspViolations([...owner.errors, ...editor.errors])).toEqual([])
  })
})
