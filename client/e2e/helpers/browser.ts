import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { createDoc, startServer, type StartOptions, type TestDoc, type TestServer } from '../../../server/test/helpers/server.js'
import { docLinkFor, typeAtEnd, waitForText } from './app.js'

/** Debian's Chromium: the tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium'

/**
 * Launches Chromium headless. Playwright gives every launch a fresh temporary profile
 * (the --user-data-dir), and every context its own storage: one context per person.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** A page that records what the console and the page reported, for assertions and for failures. */
export interface RecordedPage {
  page: Page
  /** Console errors and uncaught exceptions, in order. */
  errors: string[]
}

export async function openPage(context: BrowserContext, url?: string): Promise<RecordedPage> {
  const page = await context.newPage()
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`))
  if (url) await page.goto(url)
  return { page, errors }
}

/** A document's link opened with `key` in a browser context of its own: one more person. */
export async function openDoc(app: AppWithBrowser, docId: string, key: string): Promise<RecordedPage> {
  return openPage(await app.browser.newContext(), docLinkFor(app.server.url, docId, key))
}

type LinkKind = keyof TestDoc['keys']

/** A new document open for two people, with their kinds of link: the writer typed `text`, the reader has seen it. */
export async function typedAndSeen(
  app: AppWithBrowser,
  title: string,
  links: { writer: LinkKind; reader: LinkKind },
  text: string,
): Promise<{ doc: TestDoc; writer: RecordedPage; reader: RecordedPage }> {
  const doc = await createDoc(app.server.url, { title })
  const writer = await openDoc(app, doc.id, doc.keys[links.writer])
  const reader = await openDoc(app, doc.id, doc.keys[links.reader])
  await typeAtEnd(writer.page, text)
  await waitForText(reader.page, [text])
  return { doc, writer, reader }
}

/** Errors that say the Content-Security-Policy blocked something the app tried to do. */
export function cspViolations(errors: readonly string[]): string[] {
  return errors.filter((error) => /Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(error))
}

/** The real app on a free port and a headless Chromium, for the tests of one `describe`. */
export interface AppWithBrowser {
  readonly server: TestServer
  readonly browser: Browser
}

/** Starts the app and the browser before the tests of the enclosing block, and stops both after. */
export function appWithBrowser(options?: StartOptions): AppWithBrowser {
  const started = {} as { server: TestServer; browser: Browser }
  beforeAll(async () => {
    started.server = await startServer(options)
    started.browser = await launchBrowser()
  })
  afterAll(async () => {
    await started.browser?.close()
    await started.server?.close()
  })
  return started
}
