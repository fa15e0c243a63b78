import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { CommentThreadInfo } from '@quire/shared'
import { readThreads } from '@quire/shared/comments'
import { startChildServer, type ChildServer } from '../../server/test/helpers/child-server.js'
import { serverState } from '../../server/test/helpers/clients.js'
import { createDoc } from '../../server/test/helpers/server.js'
import { waitFor } from '../../server/test/helpers/wait.js'
import { EDITOR, bodyXml, docLinkFor, editorText, setName, waitForStatus, waitForStatusLabel, waitForText } from './helpers/app.js'
import { appWithBrowser, cspViolations, launchBrowser, openPage, typedAndSeen } from './helpers/browser.js'

const SCREENSHOT = fileURLToPath(new URL('../../docs/comments.png', import.meta.url))

/** Selects `text` in the page's document as a mouse would (a read-only page has no caret to move). */
async function select(page: Page, text: string): Promise<void> {
  await page.evaluate(
    ({ editor, wanted }) => {
      const root = document.querySelector(editor)!
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent!.indexOf(wanted)
        if (at < 0) continue
        const range = document.createRange()
        range.setStart(node, at)
        range.setEnd(node, at + wanted.length)
        const selection = window.getSelection()!
        selection.removeAllRanges()
        selection.addRange(range)
        return
      }
      throw new Error(`no ${wanted} on the page`)
    },
    { editor: EDITOR, wanted: text },
  )
}

const thread = (page: Page) => page.locator('.comments .thread[data-thread]')

describe('comments', () => {
  const app = appWithBrowser()

  it('a comment link comments on a passage; the editor sees it, answers and resolves it', async () => {
    const {
      doc,
      writer,
      reader: reviewer,
    } = await typedAndSeen(app, 'Release plan', { writer: 'edit', reader: 'comment' }, 'Ship the release on Friday after review.')
    // Chosen names and colours, so that the README's picture changes only when the page does.
    for (const [page, identity] of [
      [writer.page, { name: 'Ada', color: '#2d6cb5', colorChosen: true }],
      [reviewer.page, { name: 'Grace', color: '#b03a6b', colorChosen: true }],
    ] as const) {
      await page.evaluate((stored) => localStorage.setItem('quire.identity', stored), JSON.stringify(identity))
      await page.reload()
      await waitForStatus(page, 'saved')
    }
    await expect(reviewer.page.locator('.badge--view').textContent()).resolves.toBe('Comment only')
    expect(await reviewer.page.locator(EDITOR).getAttribute('contenteditable')).toBe('false')

    // Select, press the shortcut, write.
    await select(reviewer.page, 'Friday')
    await reviewer.page.keyboard.press('Control+Alt+KeyM')
    await reviewer.page.getByLabel('Comment on “Friday”').fill('Thursday would be safer, @Ada.')
    await reviewer.page.getByRole('button', { name: 'Comment', exact: true }).last().click()

    // The editor's page: the passage highlighted, the thread beside it, the mention marked.
    await writer.page.locator('.comment-mark', { hasText: 'Friday' }).waitFor()
    expect(await writer.page.locator('.comment-mark').textContent()).toBe('Friday')
    await thread(writer.page).waitFor()
    expect(await thread(writer.page).locator('.thread__quote').textContent()).toBe('Friday')
    expect(await thread(writer.page).locator('.message__author').textContent()).toBe('Grace')
    expect(await thread(writer.page).locator('.mention').textContent()).toBe('@Ada')
    expect(await thread(writer.page).locator('time').first().textContent()).toBe('just now')

    // The editor answers; the reviewer sees the answer.
    await thread(writer.page).getByLabel('Reply').fill('Agreed, Thursday it is.')
    await thread(writer.page).getByRole('button', { name: 'Reply' }).click()
    await thread(reviewer.page).locator('.message', { hasText: 'Agreed, Thursday it is.' }).waitFor()
    await reviewer.page.setViewportSize({ width: 1280, height: 600 })
    await reviewer.page.screenshot({ path: SCREENSHOT })

    // The editor resolves it: hidden by default everywhere, one click shows it, the API lists it as resolved.
    await thread(writer.page).getByRole('button', { name: 'Resolve' }).click()
    await thread(reviewer.page).waitFor({ state: 'detached' })
    expect(await reviewer.page.locator('.comment-mark').count()).toBe(0)
    await reviewer.page.getByRole('button', { name: 'Show resolved (1)' }).click()
    expect(await thread(reviewer.page).locator('.thread__state').textContent()).toBe('Resolved by Ada')
    const listed = await fetch(`${app.server.url}/api/docs/${doc.id}/comments?status=resolved`, { headers: { authorization: `Bearer ${doc.keys.view}` } })
    const { threads } = (await listed.json()) as { threads: CommentThreadInfo[] }
    expect(threads.map(({ quote, messages }) => [quote, messages.map(({ text }) => text)])).toEqual([
      ['Friday', ['Thursday would be safer, @Ada.', 'Agreed, Thursday it is.']],
    ])

    // The reviewer cannot change the text, whatever it tries.
    await waitForStatus(writer.page, 'saved')
    const before = await serverState(app.server.collabUrl, doc.id, doc.keys.view)
    await reviewer.page.locator(EDITOR).click()
    await reviewer.page.keyboard.type('Vandalism')
    await reviewer.page.keyboard.press('Backspace')
    await setName(reviewer.page, 'Grace done')
    await writer.page.locator('.presence__name', { hasText: 'Grace done' }).waitFor()
    expect(await editorText(reviewer.page)).toBe('Ship the release on Friday after review.')
    expect(bodyXml(await serverState(app.server.collabUrl, doc.id, doc.keys.view))).toBe(bodyXml(before))
    expect(cspViolations([...writer.errors, ...reviewer.errors])).toEqual([])
    expect([...writer.errors, ...reviewer.errors]).toEqual([])
  })

  it('a restore in the editor brings back the comments the version had, and its undo takes them back', async () => {
    const { doc, writer, reader } = await typedAndSeen(app, 'Draft', { writer: 'owner', reader: 'view' }, 'An early sentence.')
    const api = (path: string, key: string, body?: unknown, method = 'POST') =>
      fetch(`${app.server.url}/api/docs/${doc.id}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      })
    const { id } = (await (await api('/comments', doc.keys.comment, { quote: 'early', text: 'Keep this?' })).json()) as CommentThreadInfo
    await thread(writer.page).waitFor()
    await waitForStatus(writer.page, 'saved')
    expect((await api('/versions', doc.keys.edit, { name: 'Commented' })).status).toBe(201)
    expect((await api(`/comments/${id}`, doc.keys.owner, undefined, 'DELETE')).status).toBe(204)
    await thread(writer.page).waitFor({ state: 'detached' })

    await writer.page.getByRole('button', { name: 'History', exact: true }).click()
    const panel = writer.page.getByRole('complementary', { name: 'History' })
    await panel.locator('.version', { hasText: 'Commented' }).click()
    // The history notes the restore a moment late, as over a slow network: the writer is back in
    // the text before the panel says it is done, and keeps the focus there.
    let noted: () => void = () => undefined
    const noting = new Promise<void>((resolve) => (noted = resolve))
    await writer.page.route('**/versions', async (route) => {
      if (route.request().method() === 'POST') await noting
      await route.continue()
    })
    await panel.getByRole('button', { name: 'Restore this version' }).click()
    await thread(writer.page).locator('.message', { hasText: 'Keep this?' }).waitFor()
    await thread(reader.page).locator('.message', { hasText: 'Keep this?' }).waitFor()
    expect(await reader.page.locator('.comment-mark').textContent()).toBe('early')

    await writer.page.locator(EDITOR).click()
    noted()
    await panel.locator('.history__status', { hasText: 'restored' }).waitFor()
    await writer.page.keyboard.press('Control+z')
    await thread(reader.page).waitFor({ state: 'detached' })
  })

  it('keeps a thread whose passage was deleted, marked as on deleted text', async () => {
    const { writer, reader } = await typedAndSeen(app, 'Cuts', { writer: 'edit', reader: 'view' }, 'Keep this. Drop that.')
    await select(writer.page, 'Drop that.')
    await writer.page.getByRole('button', { name: 'Comment', exact: true }).first().click()
    await writer.page.getByLabel('Comment on “Drop that.”').fill('Really drop it?')
    await writer.page.getByLabel('Comment on “Drop that.”').press('Control+Enter')
    await thread(reader.page).waitFor()
    // A view link reads the thread, and cannot answer it.
    expect(await thread(reader.page).getByLabel('Reply').count()).toBe(0)

    await writer.page.locator(EDITOR).click()
    await writer.page.keyboard.press('Control+End')
    for (let i = 0; i < ' Drop that.'.length; i++) await writer.page.keyboard.press('Backspace')
    await reader.page.locator('.thread__deleted').waitFor()
    expect(await thread(reader.page).locator('.thread__quote').textContent()).toBe('On deleted text: Drop that.')
    expect(await reader.page.locator('.comment-mark').count()).toBe(0)
  })
})

describe('a comment made offline', () => {
  it('is kept on the device with the server stopped, and arrives once it is back', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'quire-e2e-comments-'))
    let server: ChildServer = await startChildServer({ DATA_DIR: dataDir, PORT: '0' })
    const browser = await launchBrowser()
    const stop = async () => {
      server.process.kill('SIGTERM')
      await server.exited
    }
    try {
      const doc = await createDoc(server.url, { title: 'Offline review', content: 'Read this on the train.' })
      const reviewer = await openPage(await browser.newContext(), docLinkFor(server.url, doc.id, doc.keys.comment))
      await waitForText(reviewer.page, ['Read this on the train.'])
      await waitForStatus(reviewer.page, 'saved')

      const port = new URL(server.url).port
      await stop()
      await waitForStatus(reviewer.page, 'offline')
      await select(reviewer.page, 'train')
      await reviewer.page.getByRole('button', { name: 'Comment', exact: true }).first().click()
      await reviewer.page.getByLabel('Comment on “train”').fill('Written with no connection.')
      await reviewer.page.getByLabel('Comment on “train”').press('Control+Enter')
      await thread(reviewer.page).waitFor()
      await waitForStatusLabel(reviewer.page, 'Offline — changes kept on this device')

      server = await startChildServer({ DATA_DIR: dataDir, PORT: port })
      await waitForStatus(reviewer.page, 'saved', 40_000)
      const stored = await waitFor('the comment on the server', async () => {
        const threads = readThreads(await serverState(server.collabUrl, doc.id, doc.keys.view))
        return threads.length === 1 && threads
      })
      expect(stored[0]!.messages[0]!.text).toBe('Written with no connection.')
      expect(stored[0]!.quote).toBe('train')
      expect(reviewer.errors.filter((error) => !/ERR_CONNECTION_REFUSED|WebSocket/.test(error))).toEqual([])
    } finally {
      await browser.close()
      if (server.process.exitCode === null) await stop()
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
