import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { serverState } from '../../server/test/helpers/clients.js'
import { EDITOR, bodyXml, editorText, setName, waitForStatus, waitForText } from './helpers/app.js'
import { appWithBrowser, cspViolations, typedAndSeen } from './helpers/browser.js'

describe('a view link', () => {
  const app = appWithBrowser()

  it('shows the live document read-only, and cannot change it', async () => {
    const { doc, writer, reader: viewer } = await typedAndSeen(app, 'Minutes', { writer: 'edit', reader: 'view' }, 'Decided: ship on Friday.')

    // Read-only, visibly: a badge, no toolbar, an editor that is not editable, a title that cannot be typed in.
    await expect(viewer.page.locator('.badge--view').textContent()).resolves.toBe('View only')
    expect(await viewer.page.locator('.toolbar').count()).toBe(0)
    expect(await viewer.page.locator(EDITOR).getAttribute('contenteditable')).toBe('false')
    expect(await viewer.page.locator('.doc-title').getAttribute('readonly')).not.toBeNull()
    await waitForStatus(viewer.page, 'live')

    await waitForStatus(writer.page, 'saved')
    const before = await serverState(app.server.collabUrl, doc.id, doc.keys.view)

    // The viewer tries anyway: typing into the text and the title, a paste, formatting keys.
    await viewer.page.locator(EDITOR).click()
    await viewer.page.keyboard.type('Vandalism')
    await viewer.page.keyboard.press('Control+a')
    await viewer.page.keyboard.press('Backspace')
    await viewer.page.keyboard.press('Control+b')
    await viewer.page.locator('.doc-title').click()
    await viewer.page.keyboard.type(' (hacked)')
    // Its socket is handled in order: once its new name reaches the writer, everything it sent before has been seen.
    await setName(viewer.page, 'Viewer done')
    await writer.page.locator('.presence__name', { hasText: 'Viewer done' }).waitFor()

    expect(await editorText(viewer.page)).toBe('Decided: ship on Friday.')
    expect(await viewer.page.inputValue('.doc-title')).toBe('Minutes')
    const after = await serverState(app.server.collabUrl, doc.id, doc.keys.view)
    expect(bodyXml(after)).toBe(bodyXml(before))
    expect(after.getText('title').toString()).toBe('Minutes')
    expect(Y.encodeStateVector(after)).toEqual(Y.encodeStateVector(before))
    before.destroy()
    after.destroy()

    // And it still follows the writer live.
    await writer.page.keyboard.type(' Then celebrate.')
    await waitForText(viewer.page, ['Decided: ship on Friday. Then celebrate.'])
    expect(cspViolations([...writer.errors, ...viewer.errors])).toEqual([])
  })
})
