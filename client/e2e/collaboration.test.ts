import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { serverState } from '../../server/test/helpers/clients.js'
import { createDoc } from '../../server/test/helpers/server.js'
import { waitFor } from '../../server/test/helpers/wait.js'
import { EDITOR, bodyXml, caretToEnd, docLinkFor, editorText, setName, waitForStatus, waitForText, typeAtEnd } from './helpers/app.js'
import { appWithBrowser, cspViolations, openPage, type RecordedPage } from './helpers/browser.js'
import { sideBySide } from './helpers/screenshot.js'

const SCREENSHOT = fileURLToPath(new URL('../../docs/two-editors.png', import.meta.url))

/**
 * A browser context of its own for one person, remembering a colour (and a placeholder name
 * the test then changes): fixed colours keep the screenshot the same from run to run.
 */
async function personContext(browser: Browser, viewport: { width: number; height: number }, color: string) {
  const context = await browser.newContext({ viewport })
  await context.addInitScript((identity) => localStorage.setItem('quire.identity', identity), JSON.stringify({ name: 'Guest', color }))
  return context
}

describe('two people editing one document', () => {
  const app = appWithBrowser()
  let ada: RecordedPage
  let grace: RecordedPage

  it('type at once, converge, and see each other’s caret and name', async () => {
    const doc = await createDoc(app.server.url, { title: 'Team plans' })
    // One browser context per person: their own storage, as on two machines.
    const viewport = { width: 720, height: 540 }
    ada = await openPage(await personContext(app.browser, viewport, '#2d6cb5'), docLinkFor(app.server.url, doc.id, doc.keys.owner))
    grace = await openPage(await personContext(app.browser, viewport, '#b03a6b'), docLinkFor(app.server.url, doc.id, doc.keys.edit))
    for (const [person, name] of [
      [ada, 'Ada'],
      [grace, 'Grace'],
    ] as const) {
      await person.page.locator(EDITOR).waitFor()
      await setName(person.page, name)
      expect(await person.page.inputValue('.doc-title')).toBe('Team plans')
    }

    await typeAtEnd(ada.page, 'Agenda for Monday.')
    await waitForText(grace.page, ['Agenda for Monday.'])

    // Both type at the same time, in different places of the same document.
    await caretToEnd(grace.page)
    await grace.page.keyboard.press('Enter')
    await Promise.all([
      ada.page.keyboard.type(' Ada adds a sentence while Grace types.', { delay: 15 }),
      grace.page.keyboard.type('Grace writes her own line at once.', { delay: 15 }),
    ])
    const parts = ['Agenda for Monday. Ada adds a sentence while Grace types.', 'Grace writes her own line at once.']
    await waitForText(ada.page, parts)
    await waitForText(grace.page, parts)
    expect(await editorText(ada.page)).toBe(await editorText(grace.page))

    // Each sees the other's caret, labelled with the other's name, and the other in the presence list.
    await ada.page.locator('.collaboration-carets__label', { hasText: 'Grace' }).waitFor()
    await grace.page.locator('.collaboration-carets__label', { hasText: 'Ada' }).waitFor()
    await ada.page.locator('.presence__name', { hasText: 'Grace' }).waitFor()
    await grace.page.locator('.presence__name', { hasText: 'Ada' }).waitFor()

    // Every change reached the server, and the status says so.
    await waitForStatus(ada.page, 'saved')
    await waitForStatus(grace.page, 'saved')
    const stored = await serverState(app.server.collabUrl, doc.id, doc.keys.view)
    for (const part of parts) expect(bodyXml(stored)).toContain(part)
    stored.destroy()

    await sideBySide(app.browser, [await ada.page.screenshot(), await grace.page.screenshot()], SCREENSHOT)
  })

  it('follow each other’s title, in the field and in the browser tab', async () => {
    await ada.page.locator('.doc-title').fill('Team plans for May')
    await grace.page.waitForFunction(() => document.title === 'Team plans for May · Quire')
    expect(await grace.page.inputValue('.doc-title')).toBe('Team plans for May')
  })

  it('undo only their own changes', async () => {
    const before = await editorText(grace.page)
    await ada.page.locator(EDITOR).click()
    await ada.page.keyboard.press('Control+End')
    await ada.page.keyboard.type(' Ada will take this back.')
    await waitForText(grace.page, ['Ada will take this back.'])
    // Undo groups what was typed within half a second: as many presses as that took, checked one
    // by one, until all of the sentence is gone (not only its last words).
    await waitFor('Ada’s sentence to be undone', async () => {
      if ((await editorText(ada.page)) === before) return true
      await ada.page.keyboard.press('Control+z')
      return false
    })
    await waitFor('the undo to reach Grace', async () => (await editorText(grace.page)) === before)
    const after = await editorText(grace.page)
    expect(after).toContain('Grace writes her own line at once.')
    expect(after).toBe(before)
    expect(await editorText(ada.page)).toBe(after)
  })

  it('ran under the server’s Content-Security-Policy without a violation', () => {
    expect(cspViolations([...ada.errors, ...grace.errors])).toEqual([])
  })
})
