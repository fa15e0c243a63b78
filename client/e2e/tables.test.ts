import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { docxText } from '../../server/test/helpers/libreoffice.js'
import { createDoc } from '../../server/test/helpers/server.js'
import { EDITOR, docLinkFor, typeAtEnd, waitForStatus, waitForText } from './helpers/app.js'
import { appWithBrowser, openPage } from './helpers/browser.js'

/** The text of each cell of the first table on a page, row by row, without others' carets. */
const tableCells = (selector: string) => {
  const table = document.querySelector(`${selector} table`)?.cloneNode(true) as Element | undefined
  for (const caret of table?.querySelectorAll('.collaboration-carets__caret') ?? []) caret.remove()
  return [...(table?.querySelectorAll('tr') ?? [])].map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent ?? ''))
}

describe('tables', () => {
  const app = appWithBrowser()

  it('one person inserts a table and types in its cells (Tab moves on), the other sees it, rows and columns change from the menu', async () => {
    const doc = await createDoc(app.server.url, { title: 'Rota' })
    const ada = (await openPage(await app.browser.newContext({ acceptDownloads: true }), docLinkFor(app.server.url, doc.id, doc.keys.owner))).page
    const grace = (await openPage(await app.browser.newContext(), docLinkFor(app.server.url, doc.id, doc.keys.edit))).page
    await grace.locator(EDITOR).waitFor()

    await typeAtEnd(ada, 'Who does what:')
    await ada.keyboard.press('Enter')
    // The Table options button only works inside a table.
    expect(await ada.getByRole('button', { name: 'Table options' }).getAttribute('aria-disabled')).toBe('true')
    await ada.getByRole('button', { name: 'Insert table' }).click()
    // The caret is in the first header cell; Tab walks the cells, row by row.
    for (const word of ['Owner', 'Task', '', 'Ana', 'Budget']) {
      await ada.keyboard.type(word)
      await ada.keyboard.press('Tab')
    }
    await ada.keyboard.type('Board')

    await waitForText(grace, ['Who does what:', 'OwnerTask', 'AnaBudgetBoard'])
    expect(await grace.evaluate(tableCells, EDITOR)).toEqual([
      ['Owner', 'Task', ''],
      ['Ana', 'Budget', 'Board'],
      ['', '', ''],
    ])
    expect(await grace.locator(`${EDITOR} table tr:first-child th`).count()).toBe(3)

    // Grace types in another cell; then Ada changes the table's shape from the menu.
    await grace.locator(`${EDITOR} table tr:nth-child(3) td`).first().click()
    await grace.keyboard.type('Ben')
    await waitForText(ada, ['Ben'])
    const options = ada.getByRole('button', { name: 'Table options' })
    expect(await options.getAttribute('aria-disabled')).toBe('false')
    const cell = (row: number, column: number) => ada.locator(`${EDITOR} table tr:nth-child(${row}) > :nth-child(${column})`)
    await cell(2, 3).click()
    await options.click()
    await ada.getByRole('menuitem', { name: 'Delete column' }).click()
    await cell(2, 1).click()
    await options.click()
    await ada.getByRole('menuitem', { name: 'Add row below' }).click()
    await cell(3, 1).click()
    await ada.keyboard.type('Cleo')

    const expected = [
      ['Owner', 'Task'],
      ['Ana', 'Budget'],
      ['Cleo', ''],
      ['Ben', ''],
    ]
    for (const page of [ada, grace]) {
      await waitForText(page, ['Cleo'])
      expect(await page.evaluate(tableCells, EDITOR)).toEqual(expected)
    }

    // The Word download holds the table: LibreOffice reads its cells in order.
    await waitForStatus(ada, 'saved')
    await ada.getByRole('button', { name: 'Download' }).click()
    const [download] = await Promise.all([ada.waitForEvent('download'), ada.getByRole('menuitem', { name: 'Word (.docx)' }).click()])
    expect(download.suggestedFilename()).toBe('rota.docx')
    const lines = (await docxText(await readFile(await download.path())))
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean)
    expect(lines).toEqual(['Rota', 'Who does what:', ...expected.flat().filter(Boolean)])
  })
})
