import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { createDoc } from '../../server/test/helpers/server.js'
import { waitFor } from '../../server/test/helpers/wait.js'
import { EDITOR, docLinkFor } from './helpers/app.js'
import { appWithBrowser, cspViolations, openPage, type RecordedPage } from './helpers/browser.js'

/** Everyone in a page's "who is here" list: client id → the colour of their dot. */
function coloursShown(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll<HTMLElement>('.presence__person')].map((person) => [
        person.dataset.clientId,
        getComputedStyle(person.querySelector('.presence__dot')!).backgroundColor,
      ]),
    ),
  )
}

describe('the colours of the people here', () => {
  const app = appWithBrowser()

  it('differ for three people who all came with the same colour, and one can pick another', async () => {
    const doc = await createDoc(app.server.url, { title: 'Colours' })
    const people: RecordedPage[] = []
    for (const name of ['Ada', 'Grace', 'Linus']) {
      const context = await app.browser.newContext()
      // The same remembered colour for all three (set once: a reload keeps what the page saved).
      await context.addInitScript(
        (identity) => {
          if (localStorage.getItem('quire.identity') === null) localStorage.setItem('quire.identity', identity)
        },
        JSON.stringify({ name, color: '#2d6cb5' }),
      )
      const person = await openPage(context, docLinkFor(app.server.url, doc.id, doc.keys.edit))
      await person.page.locator(EDITOR).waitFor()
      people.push(person)
    }

    // Every page shows the same three people, in three different colours.
    const agreed = () =>
      waitFor(
        'three people in three colours, the same on every page',
        async () => {
          const seen = await Promise.all(people.map((person) => coloursShown(person.page)))
          const first = JSON.stringify(Object.entries(seen[0]!).sort())
          const colours = new Set(Object.values(seen[0]!))
          return (
            Object.keys(seen[0]!).length === 3 && colours.size === 3 && seen.every((one) => JSON.stringify(Object.entries(one).sort()) === first) && seen[0]
          )
        },
        20_000,
      )
    await agreed()

    // Grace picks Moss from the colour picker beside her name: everyone sees it, and her page keeps it.
    const grace = people[1]!.page
    await grace.getByRole('button', { name: /^Your colour/ }).click()
    await grace.getByRole('radio', { name: 'Moss' }).click()
    await grace.getByRole('radio', { name: 'Moss' }).waitFor({ state: 'hidden' })
    expect(await grace.getByRole('button', { name: /^Your colour/ }).getAttribute('aria-label')).toBe('Your colour: Moss')
    const graceId = await grace.locator('.presence__person--self').getAttribute('data-client-id')
    for (const person of people) {
      await waitFor('Grace in moss green', async () => (await coloursShown(person.page))[graceId!] === 'rgb(74, 122, 28)')
    }
    await agreed()

    // Linus picks the colour he already has: a choice too, which the page keeps.
    const linus = people[2]!.page
    const linusColour = (await linus.getByRole('button', { name: /^Your colour/ }).getAttribute('aria-label'))!.replace('Your colour: ', '')
    await linus.getByRole('button', { name: /^Your colour/ }).click()
    await linus.getByRole('radio', { name: linusColour, exact: true }).click()
    await linus.getByRole('radio', { name: linusColour, exact: true }).waitFor({ state: 'hidden' })
    expect(JSON.parse((await linus.evaluate(() => localStorage.getItem('quire.identity')))!)).toMatchObject({ colorChosen: true })

    // Ada tries colours on with the arrow keys, up to one nobody here has, and keeps it with
    // Enter: each colour tried is saved once, and Enter adds no save of its own.
    const ada = people[0]!.page
    await ada.evaluate(() => {
      const counted = window as unknown as { identityWrites: number }
      counted.identityWrites = 0
      const setItem = Storage.prototype.setItem
      Storage.prototype.setItem = function (key: string, value: string) {
        if (key === 'quire.identity') counted.identityWrites++
        setItem.call(this, key, value)
      }
    })
    const adaBefore = await ada.getByRole('button', { name: /^Your colour/ }).getAttribute('aria-label')
    await ada.getByRole('button', { name: /^Your colour/ }).click()
    await ada.locator('.color-picker__radio:focus').waitFor()
    const focusedTaken = () =>
      ada.evaluate(() => document.querySelector('.color-picker__radio:focus')!.closest('label')!.textContent!.includes('someone here has it'))
    let tried = 0
    do {
      await ada.keyboard.press('ArrowDown')
      tried++
    } while (await focusedTaken())
    await ada.keyboard.press('Enter')
    await ada.getByRole('radio').first().waitFor({ state: 'hidden' })
    expect(await ada.getByRole('button', { name: /^Your colour/ }).getAttribute('aria-label')).not.toBe(adaBefore)
    expect(await ada.evaluate(() => (window as unknown as { identityWrites: number }).identityWrites)).toBe(tried)

    await grace.reload()
    await grace.locator(EDITOR).waitFor()
    expect(await grace.getByRole('button', { name: /^Your colour/ }).getAttribute('aria-label')).toBe('Your colour: Moss')
    expect(JSON.parse((await grace.evaluate(() => localStorage.getItem('quire.identity')))!)).toMatchObject({
      name: 'Grace',
      color: '#4a7a1c',
      colorChosen: true,
    })
    await agreed()
    expect(cspViolations(people.flatMap((person) => person.errors))).toEqual([])
  })
})
