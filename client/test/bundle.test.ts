import { existsSync } from 'node:fs'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { YJS_MARKER, pageScripts, yjsCopies } from './bundle-check.js'

const DIST = fileURLToPath(new URL('../dist', import.meta.url))

describe('the client build', () => {
  beforeAll(() => {
    if (!existsSync(join(DIST, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first (npm test does)')
  })

  it('bundles exactly one copy of Yjs (two copies break collaboration silently)', async () => {
    const { total, files } = await yjsCopies(DIST)
    expect(files, 'files holding a copy of Yjs').toHaveLength(1)
    expect(total).toBe(1)
  })

  it('loads only same-origin module scripts from its page: nothing inline, nothing from elsewhere', async () => {
    const html = await readFile(join(DIST, 'index.html'), 'utf8')
    const scripts = pageScripts(html)
    expect(scripts.length).toBeGreaterThan(0)
    for (const script of scripts) {
      expect(script.type).toBe('module')
      expect(script.src).toMatch(/^\/assets\/[\w.-]+\.js$/)
    }
    expect(html).not.toMatch(/\bon[a-z]+\s*=/i)
    expect(html).not.toMatch(/(src|href)\s*=\s*["'](https?:)?\/\//i)
  })
})

describe('the Yjs check itself', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quire-bundle-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('counts a second copy when one is there', async () => {
    await cp(DIST, dir, { recursive: true })
    await writeFile(join(dir, 'assets', 'second-copy.js'), `console.error(${JSON.stringify(`${YJS_MARKER}. This breaks constructor checks`)})`)
    expect((await yjsCopies(dir)).total).toBe(2)
  })

  it('finds inline scripts', () => {
    expect(pageScripts('<script>alert(1)</script><script type="module" src="/assets/a.js"></script>')).toEqual([
      { src: undefined, type: undefined },
      { src: '/assets/a.js', type: 'module' },
    ])
  })
})
