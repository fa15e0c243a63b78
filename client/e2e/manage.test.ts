import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { CloseCode } from '@quire/shared'
import { createDoc } from '../../server/test/helpers/server.js'
import { EDITOR, docLinkFor, waitForStatus, waitForStatusLabel, waitForText, typeAtEnd } from './helpers/app.js'
import { appWithBrowser, cspViolations, openPage, typedAndSeen } from './helpers/browser.js'

async function openShare(page: Page) {
  await page.getByRole('button', { name: 'Share' }).click()
  return page.getByRole('dialog', { name: 'Share' })
}

describe('the owner manages the links', () => {
  const app = appWithBrowser()

  it('rotating the links shows the revoked message on an old link’s page, and the owner carries on', async () => {
    const { doc, writer: owner, reader: guest } = await typedAndSeen(app, 'Budget', { writer: 'owner', reader: 'edit' }, 'Numbers to come.')

    // This browser did not create the document: the dialog asks the server for the current links.
    const dialog = await openShare(owner.page)
    const oldEdit = doc.links.edit
    await owner.page.waitForFunction((expected) => document.querySelector<HTMLInputElement>('#share-edit')?.value === expected, oldEdit)
    expect(await dialog.getByLabel('View link', { exact: true }).inputValue()).toBe(doc.links.view)
    await dialog.getByRole('button', { name: 'Make new links' }).click()
    await dialog.locator('.share__confirm').getByRole('button', { name: 'Make new links' }).click()
    await dialog.getByText('New links made: the old ones no longer work.').waitFor()
    const newEdit = await dialog.getByLabel('Edit link', { exact: true }).inputValue()
    expect(newEdit).not.toBe(oldEdit)
    await dialog.getByRole('button', { name: 'Done' }).click()

    // The old link's page says what happened, with no spinner, and no longer edits.
    const notice = guest.page.getByRole('alert').filter({ hasText: 'This link no longer works' })
    await notice.waitFor()
    await waitForStatus(guest.page, 'closed')
    expect(await guest.page.locator(EDITOR).getAttribute('contenteditable')).toBe('false')
    expect(await guest.page.locator('.toolbar').count()).toBe(0)

    // The owner key outlives a rotation: the owner's page keeps its link and keeps saving.
    expect(new URL(owner.page.url()).hash).toBe(`#key=${doc.keys.owner}`)
    await typeAtEnd(owner.page, ' Still saving.')
    await waitForStatus(owner.page, 'saved')

    // The new edit link works.
    const newcomer = await openPage(await app.browser.newContext(), newEdit)
    await waitForText(newcomer.page, ['Numbers to come. Still saving.'])
    // The old one, opened afresh, is refused with the same kind of message.
    const late = await openPage(await app.browser.newContext(), oldEdit)
    await late.page.getByRole('alert').filter({ hasText: 'This link does not open the document' }).waitFor()

    // The guest's list of documents no longer offers the revoked link as one that edits.
    await waitForStatusLabel(guest.page, 'Link revoked')
    await guest.page.goto(`${app.server.url}/`)
    const entry = guest.page.locator('.recent__item', { hasText: 'Budget' })
    await entry.waitFor()
    expect(await entry.locator('.badge').textContent()).toBe('Link revoked')
    expect(await entry.getByRole('link').count()).toBe(0)
    expect(cspViolations([...owner.errors, ...guest.errors, ...newcomer.errors])).toEqual([])
  })

  it('a page that was away while the links were rotated shows the revoked message when it is back', async () => {
    const doc = await createDoc(app.server.url, { title: 'Travel' })
    const context = await app.browser.newContext()
    const away = await openPage(context, docLinkFor(app.server.url, doc.id, doc.keys.edit))
    await typeAtEnd(away.page, 'Typed before the train left.')
    await waitForStatus(away.page, 'saved')

    // The page loses the server (a restart closes sockets with 1001) and cannot reach it again for a while.
    await context.setOffline(true)
    app.server.app.quire.sockets.closeAll(CloseCode.shuttingDown)
    await waitForStatus(away.page, 'offline')
    const rotated = await fetch(`${app.server.url}/api/docs/${doc.id}/links/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${doc.keys.owner}` },
    })
    expect(rotated.status).toBe(200)
    await context.setOffline(false)

    // The socket upgrade is now refused (403), which a browser reports as a failed connection only.
    await away.page.getByRole('alert').filter({ hasText: 'This link no longer works' }).waitFor({ timeout: 30_000 })
    await waitForStatus(away.page, 'closed')
    expect(await away.page.locator(EDITOR).getAttribute('contenteditable')).toBe('false')
  })

  it('deleting the document tells everyone with it open', async () => {
    const { doc, writer: owner, reader: guest } = await typedAndSeen(app, 'Scratch', { writer: 'owner', reader: 'view' }, 'Soon gone.')

    const dialog = await openShare(owner.page)
    await dialog.getByRole('button', { name: 'Delete document' }).click()
    await dialog.getByRole('button', { name: 'Delete for everyone' }).click()
    await owner.page.getByRole('alert').filter({ hasText: 'This document was deleted' }).waitFor()
    await guest.page.getByRole('alert').filter({ hasText: 'This document was deleted' }).waitFor()
    // The status line says the same on both pages, not "offline" or a bare "disconnected".
    await waitForStatusLabel(owner.page, 'Document deleted')
    await waitForStatusLabel(guest.page, 'Document deleted')
    const response = await fetch(`${app.server.url}/api/docs/${doc.id}`, { headers: { authorization: `Bearer ${doc.keys.owner}` } })
    expect(response.status).toBe(404)
  })
})
