import type { Page } from 'playwright-core'
import type * as Y from 'yjs'
import { CONTENT_FIELD, docLink } from '@quire/shared'
import { waitFor } from '../../../server/test/helpers/wait.js'

/** A document page's address on a test server. */
export function docLinkFor(baseUrl: string, id: string, key: string): string {
  return docLink(baseUrl, id, key)
}

/** The editable text of a document page. */
export const EDITOR = '.ProseMirror'

/** The text of a document page, block by block, without the carets and name labels of others. */
function documentText(selector: string): string {
  const root = document.querySelector(selector)
  if (!root) return ''
  const copy = root.cloneNode(true) as Element
  for (const caret of copy.querySelectorAll('.collaboration-carets__caret')) caret.remove()
  return [...copy.children].map((block) => block.textContent ?? '').join('\n')
}

/** The text of the document shown on a page. */
export function editorText(page: Page): Promise<string> {
  return page.evaluate(documentText, EDITOR)
}

/** Waits until the page's status line says `kind` (saved, saving, offline, live…). */
export async function waitForStatus(page: Page, kind: string, timeout = 20_000): Promise<void> {
  await page.locator(`.status[data-status="${kind}"]`).waitFor({ timeout })
}

/** Waits until the status line reads exactly `label`. */
export async function waitForStatusLabel(page: Page, label: string, timeout = 20_000): Promise<void> {
  await page.waitForFunction((expected) => document.querySelector('.status__label')?.textContent === expected, label, { timeout })
}

/** Waits until the page shows a text that contains every one of `parts`. */
export async function waitForText(page: Page, parts: string[], timeout = 20_000): Promise<string> {
  return waitFor(
    `the page to show ${JSON.stringify(parts)}`,
    async () => {
      const text = await editorText(page)
      return parts.every((part) => text.includes(part)) ? text : undefined
    },
    timeout,
  )
}

/** Puts the caret at the end of the document. */
export async function caretToEnd(page: Page): Promise<void> {
  await page.locator(EDITOR).click()
  await page.keyboard.press('Control+End')
}

/** Types `text` at the end of the document, as someone who clicked after the last word. */
export async function typeAtEnd(page: Page, text: string): Promise<void> {
  await caretToEnd(page)
  await page.keyboard.type(text)
}

/** Sets the display name as a person would, in the "Your name" field. */
export async function setName(page: Page, name: string): Promise<void> {
  await page.getByLabel('Your name').fill(name)
}

/** Waits until the service worker controls the page, so a reload works with the server gone. */
export async function waitForOfflineReady(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 })
}

/** The body of a Y.Doc as the server holds it, flattened to its XML text (enough to find typed words). */
export function bodyXml(doc: Y.Doc): string {
  return doc.getXmlFragment(CONTENT_FIELD).toString()
}
