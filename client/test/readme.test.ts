import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { CloseCode } from '@quire/shared'
import { closeMessage, openFailureMessage } from '../src/collab/close-messages.js'
import { describeStatus, type Connection } from '../src/collab/save-status.js'

const fromRoot = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url))
const readme = await readFile(fromRoot('README.md'), 'utf8')

/** The README's text from a heading to the next heading of the same or a higher level, its lines joined. */
function section(heading: string): string {
  const start = readme.indexOf(`\n${heading}\n`)
  if (start < 0) throw new Error(`the README has no "${heading}"`)
  const level = heading.slice(0, heading.indexOf(' '))
  const next = readme.slice(start + heading.length + 2).search(new RegExp(`\\n#{1,${level.length}} `))
  const text = next < 0 ? readme.slice(start) : readme.slice(start, start + heading.length + 2 + next)
  return text.replace(/\s+/g, ' ')
}

/** A toolbar shortcut as a person presses it on Windows or Linux: Mod-Alt-1 → Ctrl+Alt+1. */
const asPressed = (shortcut: string) => shortcut.replace(/^Mod/, 'Ctrl').replaceAll('-', '+')

describe('the README', () => {
  it('reads in the order a newcomer needs it', () => {
    const order = ['## How access works', '## Quick start', '## The editor', '## Self-hosting', '## HTTP API', '## Configuration']
    const positions = order.map((heading) => readme.indexOf(`\n${heading}\n`))
    expect(positions.every((position) => position > 0)).toBe(true)
    expect([...positions].sort((a, b) => a - b)).toEqual(positions)
  })

  it('spells every toolbar shortcut as its keys are pressed', async () => {
    const toolbar = await readFile(fromRoot('client/src/editor/toolbar.ts'), 'utf8')
    const shortcuts = [...toolbar.matchAll(/shortcut: [`']([^`']+)[`']/g)].flatMap(([, shortcut = '']) =>
      shortcut.includes('${level}') ? [1, 2, 3].map((level) => shortcut.replace('${level}', String(level))) : [shortcut],
    )
    expect(shortcuts.length).toBeGreaterThan(10)
    const keys = section('### Keys')
    for (const shortcut of shortcuts) expect(keys, shortcut).toContain(asPressed(shortcut))
    expect(keys).not.toMatch(/\bAlt-\d/)
  })

  it('explains every status the page can show', () => {
    const statuses = section('### What the page says')
    const connections: Connection[] = ['connecting', 'online', 'offline', 'closed']
    const closeCodes: (number | undefined)[] = [undefined, ...Object.values(CloseCode)]
    for (const canWrite of [true, false])
      for (const connection of connections)
        for (const pending of [true, false])
          for (const kept of [true, false])
            for (const closeCode of closeCodes) {
              const { label } = describeStatus({ canWrite, connection, pending, kept, closeCode })
              expect(statuses, label).toContain(label)
            }
    for (const code of [CloseCode.keyRevoked, CloseCode.documentDeleted, CloseCode.documentTooLarge, CloseCode.tooManySockets])
      expect(statuses).toContain(closeMessage(code, '').title)
    for (const status of [400, 401, 403, 404, 429]) expect(statuses).toContain(openFailureMessage(status).title)
  })
})
