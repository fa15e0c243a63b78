import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { BrowserContextOptions, Locator, Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { CloseCode, TITLE_FIELD } from '@quire/shared'
import { serverState } from '../../server/test/helpers/clients.js'
import { createDoc, type TestDoc } from '../../server/test/helpers/server.js'
import { waitFor } from '../../server/test/helpers/wait.js'
import { EDITOR, bodyXml, caretToEnd, docLinkFor, editorText, waitForStatus, waitForText, typeAtEnd } from './helpers/app.js'
import { appWithBrowser, cspViolations, openPage, type RecordedPage } from './helpers/browser.js'

const SCREENSHOT = fileURLToPath(new URL('../../docs/history-panel.png', import.meta.url))

/** Opens the History panel as a person would; it takes the focus. */
async function openHistory(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'History', exact: true }).click()
  const panel = page.getByRole('complementary', { name: 'History' })
  await panel.waitFor()
  await page.waitForFunction(() => document.activeElement?.id === 'history-title')
  return panel
}

/** The text of the version preview, block by block. */
function previewText(panel: Locator): Promise<string> {
  return panel.locator('.diff').evaluate((diff) => [...diff.querySelectorAll('.diff__block')].map((block) => block.textContent).join('\n'))
}

const titleOf = (page: Page) => page.inputValue('.doc-title')

describe('the History panel', () => {
  const app = appWithBrowser({ config: { versionAfterIdleMs: 1_000, versionEveryMs: 60_000 } })
  let doc: TestDoc
  let ada: RecordedPage
  let grace: RecordedPage
  let viewer: RecordedPage | undefined

  beforeAll(async () => {
    // Versions follow a second after editing settles (the smallest setting).
    doc = await createDoc(app.server.url, { title: 'Plan' })
    // Fixed names and colours keep the screenshot the same from run to run.
    const person = async (identity: { name: string; color: string }, options: BrowserContextOptions = {}) => {
      const context = await app.browser.newContext(options)
      await context.addInitScript((stored) => localStorage.setItem('quire.identity', stored), JSON.stringify(identity))
      return context
    }
    const adaContext = await person({ name: 'Ada', color: '#2d6cb5' }, { viewport: { width: 1180, height: 760 }, acceptDownloads: true })
    ada = await openPage(adaContext, docLinkFor(app.server.url, doc.id, doc.keys.owner))
    grace = await openPage(await person({ name: 'Grace', color: '#b03a6b' }), docLinkFor(app.server.url, doc.id, doc.keys.edit))
  })

  it('lists a version once editing settles, with its time and who wrote, and saves a named one', async () => {
    await typeAtEnd(ada.page, 'The plan has three parts.')
    await ada.page.keyboard.press('Enter')
    await ada.page.keyboard.type('The budget is small.')
    await waitForText(grace.page, ['The plan has three parts.', 'The budget is small.'])

    // The open panel finds the automatic version by itself, asking now and then.
    const panel = await openHistory(ada.page)
    const newest = panel.locator('.version').first()
    await newest.waitFor({ timeout: 30_000 })
    expect(await newest.locator('.version__title').textContent()).toMatch(/^Version \d+$/)
    expect(await newest.locator('.version__authors').textContent()).toBe('by Ada')
    // Its time, relative and in full.
    expect(await newest.locator('time').textContent()).toMatch(/ago|now/)
    expect(Number.isNaN(Date.parse((await newest.locator('time').getAttribute('datetime'))!))).toBe(false)
    expect(await newest.locator('.version__date').textContent()).toMatch(/\d/)

    await panel.getByLabel('Name this version').fill('First draft')
    await panel.getByRole('button', { name: 'Save version' }).click()
    await panel.locator('.history__status').getByText('Version “First draft” saved.').waitFor()
    await waitFor('the named version at the top', async () => (await newest.locator('.version__title').textContent()) === 'First draft')
    expect(await newest.locator('.version__label').textContent()).toBe('Named')
    // The same list, as the server keeps it.
    const listed = (await (await fetch(`${app.server.url}/api/docs/${doc.id}/versions`, { headers: { authorization: `Bearer ${doc.keys.view}` } })).json()) as {
      versions: { name: string | null; kind: string }[]
    }
    expect(listed.versions[0]).toMatchObject({ name: 'First draft', kind: 'named' })
  })

  it('previews a version read-only, with what changed since highlighted, and downloads it', async () => {
    // Ada changes a word, adds a paragraph and renames the document.
    await caretToEnd(ada.page)
    for (let i = 0; i < 'small.'.length; i++) await ada.page.keyboard.press('Backspace')
    await ada.page.keyboard.type('large.')
    await ada.page.keyboard.press('Enter')
    await ada.page.keyboard.type('Extra notes.')
    await ada.page.locator('.doc-title').fill('Plan B')
    await waitForStatus(ada.page, 'saved')
    await waitForText(grace.page, ['The budget is large.', 'Extra notes.'])

    const panel = ada.page.getByRole('complementary', { name: 'History' })
    const named = panel.locator('.version', { hasText: 'First draft' })
    const v = await named.getAttribute('data-v')
    await named.click()
    await ada.page.waitForFunction(() => document.activeElement?.id === 'preview-title')
    expect(await panel.locator('.preview__title').textContent()).toBe('First draft')

    // Word by word within a paragraph, whole paragraphs, and the title.
    await panel.locator('.diff del', { hasText: 'small' }).waitFor()
    expect(await panel.locator('.diff ins').allTextContents()).toEqual(expect.arrayContaining(['large', 'Extra notes.']))
    expect(await panel.locator('.diff__block--added').textContent()).toBe('Extra notes.')
    expect(await panel.locator('.diff__block--changed').count()).toBe(1)
    expect(await panel.locator('.preview__doc-title del').textContent()).toBe('Plan')
    expect(await panel.locator('.preview__doc-title ins').textContent()).toBe('Plan B')
    // The preview is text, not an editor.
    expect(await panel.locator('[contenteditable]').count()).toBe(0)

    // Without the highlights: the version's own text.
    await panel.getByLabel('Highlight changes since this version').uncheck()
    expect(await previewText(panel)).toBe('The plan has three parts.\nThe budget is small.')
    expect(await panel.locator('.diff ins, .diff del').count()).toBe(0)
    await panel.getByLabel('Highlight changes since this version').check()
    await panel.locator('.diff ins', { hasText: 'large' }).waitFor()

    const [download] = await Promise.all([ada.page.waitForEvent('download'), panel.getByRole('button', { name: 'Markdown (.md)' }).click()])
    expect(download.suggestedFilename()).toBe(`plan-version-${v}.md`)
    const markdown = await readFile(await download.path(), 'utf8')
    expect(markdown).toBe('# Plan\n\nThe plan has three parts.\n\nThe budget is small.')

    // The picture in the README: the panel's times are set to fixed words, so it changes only when the page does.
    await ada.page.evaluate(() => {
      for (const time of document.querySelectorAll('.history time')) time.textContent = '2 minutes ago'
      for (const date of document.querySelectorAll('.history .version__date')) date.textContent = '27 Nov 2026, 10:27'
    })
    await ada.page.screenshot({ path: SCREENSHOT })
  })

  it('restores a version for everyone as a change, which the restorer’s undo takes back for everyone', async () => {
    const panel = ada.page.getByRole('complementary', { name: 'History' })
    const restored = 'The plan has three parts.\nThe budget is small.'
    await panel.getByRole('button', { name: 'Restore this version' }).click()
    const status = panel.locator('.history__status')
    await status.getByText('First draft restored. To take it back, press Ctrl+Z in the text.').waitFor()
    expect(await ada.page.evaluate(() => document.activeElement?.classList.contains('history__status'))).toBe(true)

    // Both live pages, and the server's copy.
    expect(await editorText(ada.page)).toBe(restored)
    expect(await titleOf(ada.page)).toBe('Plan')
    await waitFor('the restore to reach Grace', async () => (await editorText(grace.page)) === restored && (await titleOf(grace.page)) === 'Plan')
    await waitForStatus(ada.page, 'saved')
    const stored = await serverState(app.server.collabUrl, doc.id, doc.keys.view)
    expect(bodyXml(stored)).toContain('The budget is small.')
    expect(bodyXml(stored)).not.toContain('Extra notes.')
    expect(stored.getText(TITLE_FIELD).toString()).toBe('Plan')
    stored.destroy()

    // The restore is in the history.
    const newest = panel.locator('.version').first()
    // Called after the version it brought back, by that version's name, as the list calls it.
    await waitFor('the restore in the list', async () => (await newest.locator('.version__title').textContent()) === 'First draft restored')
    expect(await newest.locator('.version__label').textContent()).toBe('Restore')
    expect(await newest.locator('.version__authors').textContent()).toContain('Ada')

    // One undo in Ada's text takes the whole restore back, body and title, for everyone.
    await ada.page.locator(EDITOR).click()
    await ada.page.keyboard.press('Control+z')
    await waitForText(ada.page, ['The budget is large.', 'Extra notes.'])
    expect(await titleOf(ada.page)).toBe('Plan B')
    await waitForText(grace.page, ['The budget is large.', 'Extra notes.'])
    await waitFor('the title’s undo to reach Grace', async () => (await titleOf(grace.page)) === 'Plan B')
    expect(await editorText(grace.page)).toBe(await editorText(ada.page))
    // The notice no longer asks for the undo that just happened.
    await status.getByText('First draft is no longer restored: the undo took it back.').waitFor()
    expect(await status.textContent()).not.toContain('Ctrl+Z')
  })

  it('offers no Save version while the page is offline, and offers it again once back', async () => {
    const panel = ada.page.getByRole('complementary', { name: 'History' })
    const save = panel.getByRole('button', { name: 'Save version' })
    await panel.getByLabel('Name this version').fill('While offline')
    expect(await save.isEnabled()).toBe(true)
    await ada.page.context().setOffline(true)
    app.server.app.quire.sockets.closeAll(CloseCode.shuttingDown)
    await waitForStatus(ada.page, 'offline')
    await waitFor('Save version to be disabled', async () => !(await save.isEnabled()))
    await panel.getByText('Saving a version needs the server, and this page is offline right now.').waitFor()
    await ada.page.context().setOffline(false)
    await waitForStatus(ada.page, 'saved', 30_000)
    await waitFor('Save version to be enabled', () => save.isEnabled())
    await panel.getByLabel('Name this version').fill('')
  })

  it('closes with Escape or its close button, and gives the focus back to its button', async () => {
    const history = ada.page.getByRole('button', { name: 'History', exact: true })
    const panel = ada.page.getByRole('complementary', { name: 'History' })
    expect(await history.getAttribute('aria-expanded')).toBe('true')
    await panel.locator('.version').first().focus()
    await ada.page.keyboard.press('Escape')
    await panel.waitFor({ state: 'detached' })
    expect(await ada.page.evaluate(() => document.activeElement?.textContent)).toBe('History')
    expect(await history.getAttribute('aria-expanded')).toBe('false')

    await openHistory(ada.page)
    await panel.getByRole('button', { name: 'Close history' }).click()
    await panel.waitFor({ state: 'detached' })
    expect(await ada.page.evaluate(() => document.activeElement?.textContent)).toBe('History')
  })

  it('on a view link, on a phone: lists and previews, but offers no saving and no restoring', async () => {
    viewer = await openPage(
      await app.browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true }),
      docLinkFor(app.server.url, doc.id, doc.keys.view),
    )
    await waitForText(viewer.page, ['Extra notes.'])
    const panel = await openHistory(viewer.page)
    await panel.locator('.version').first().waitFor()
    expect(await panel.locator('.version').count()).toBeGreaterThanOrEqual(3)
    expect(await panel.getByRole('button', { name: 'Save version' }).count()).toBe(0)
    expect(await panel.getByLabel('Name this version').count()).toBe(0)
    // The panel takes the phone's width, and nothing scrolls sideways.
    expect(await panel.evaluate((element) => Math.round(element.getBoundingClientRect().width))).toBe(375)
    expect(await viewer.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)

    await panel
      .locator('.version')
      .filter({ has: viewer.page.getByText('First draft', { exact: true }) })
      .click()
    await panel.locator('.diff del', { hasText: 'small' }).waitFor()
    expect(await panel.getByRole('button', { name: 'Restore this version' }).count()).toBe(0)
    expect(await panel.getByRole('button', { name: 'Markdown (.md)' }).isVisible()).toBe(true)
    await panel.getByRole('button', { name: '← All versions' }).click()
    await viewer.page.waitForFunction(() => document.activeElement?.closest('.version')?.textContent?.includes('First draft') === true)
  })

  it('previews a version with its headings, lists and code as such', async () => {
    const other = await createDoc(app.server.url, { title: 'Structure' })
    const { page } = await openPage(
      await app.browser.newContext({ viewport: { width: 1180, height: 760 } }),
      docLinkFor(app.server.url, other.id, other.keys.owner),
    )
    await page.locator(EDITOR).click()
    // Markdown-style typing: a heading, a list of two, a quote and a code block.
    await page.keyboard.type('## Steps')
    await page.keyboard.press('Enter')
    for (const line of ['- one', 'two']) {
      await page.keyboard.type(line)
      await page.keyboard.press('Enter')
    }
    await page.keyboard.press('Enter')
    await page.keyboard.type('> Said once.')
    await page.keyboard.press('Enter')
    await page.keyboard.press('Enter')
    await page.keyboard.type('``` ')
    await page.keyboard.type('let a = 1')
    await waitForStatus(page, 'saved')

    const panel = await openHistory(page)
    await panel.locator('.version').first().click({ timeout: 30_000 })
    const diff = panel.locator('.diff')
    await diff.locator('.diff__block').first().waitFor()
    for (const highlights of [true, false]) {
      await panel.getByLabel('Highlight changes since this version').setChecked(highlights)
      expect(await diff.locator('.diff__heading--2').textContent()).toBe('Steps')
      expect(await diff.locator('ul > li').allTextContents()).toEqual(['one', 'two'])
      expect(await diff.locator('blockquote').textContent()).toBe('Said once.')
      expect(await diff.locator('pre').textContent()).toBe('let a = 1')
    }
  })

  it('ran under the server’s Content-Security-Policy without a violation', () => {
    expect(cspViolations([...ada.errors, ...grace.errors, ...(viewer?.errors ?? [])])).toEqual([])
  })
})
