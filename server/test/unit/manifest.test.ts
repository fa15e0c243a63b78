import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import semver from 'semver'
import { describe, expect, it } from 'vitest'
import { imageNode } from '../../../scripts/image-node.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

interface Manifest {
  engines: { node: string }
  allowScripts?: Record<string, boolean>
}

interface LockEntry {
  version?: string
  optional?: boolean
  engines?: { node?: string }
  hasInstallScript?: boolean
}

interface Lock {
  packages: Record<string, LockEntry>
}

const MANIFEST = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as Manifest
const LOCK = JSON.parse(readFileSync(`${ROOT}package-lock.json`, 'utf8')) as Lock

/** The package's name from its place in the lock (`node_modules/a/node_modules/@b/c` is `@b/c`). */
function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)
}

/**
 * Why `npm ci` would still warn about install scripts, or run one it should not, as a list.
 * npm 11 runs a dependency's install script only if `allowScripts` allows it, and warns about
 * every one that the field neither allows nor denies.
 */
function installScriptProblems(allowScripts: Record<string, boolean>, lock: Lock): string[] {
  const problems: string[] = []
  const withScripts = new Set(
    Object.entries(lock.packages)
      .filter(([path, entry]) => path.includes('node_modules/') && entry.hasInstallScript)
      .map(([path]) => nameOf(path)),
  )
  for (const name of [...withScripts].sort()) {
    if (!(name in allowScripts)) problems.push(`${name} has an install script that allowScripts neither allows nor denies`)
  }
  for (const key of Object.keys(allowScripts)) {
    // The lock keeps no resolved addresses, so npm cannot verify a pinned version (name@1.2.3)
    // and refuses such an approval: the script would not run.
    if (/.@/.test(key)) problems.push(`${key} is pinned to a version, which npm cannot verify against this lock`)
    else if (!withScripts.has(key)) problems.push(`${key} is in allowScripts but no installed package of that name has an install script`)
  }
  return problems
}

/**
 * The installed packages that do not declare support for the lowest Node that `engines`
 * admits, as a list. Development dependencies count: `npm start` builds from source with
 * them. Optional ones do not: they are builds for other platforms (wasm, other systems) that
 * npm installs only where they fit.
 */
function enginesProblems(engines: string, lock: Lock): string[] {
  const lowest = semver.minVersion(engines)
  if (!lowest) return [`engines.node "${engines}" admits no version`]
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path.includes('node_modules/') && !entry.optional)
    .filter(([, entry]) => entry.engines?.node && !semver.satisfies(lowest, entry.engines.node))
    .map(([path, entry]) => `${nameOf(path)}@${entry.version} wants Node ${entry.engines?.node}, not ${lowest.version}`)
}

describe('engines', () => {
  it('admits no Node that an installed package does not support', () => {
    expect(enginesProblems(MANIFEST.engines.node, LOCK)).toEqual([])
  })

  it("admits the container image's Node", () => {
    expect(semver.satisfies(imageNode(ROOT).version, MANIFEST.engines.node)).toBe(true)
  })

  it("would notice a floor below a dependency's", () => {
    expect(enginesProblems('>=20.19', LOCK)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^cookie@\S+ wants Node .+, not 20\.19\.0$/),
        expect.stringMatching(/^content-disposition@\S+ wants Node .+, not 20\.19\.0$/),
      ]),
    )
    expect(enginesProblems('>=22', LOCK)).toEqual(expect.arrayContaining([expect.stringMatching(/^vite@\S+ wants Node .+, not 22\.0\.0$/)]))
  })
})

describe('allowScripts', () => {
  it('covers every install script in the lock, by name', () => {
    expect(installScriptProblems(MANIFEST.allowScripts ?? {}, LOCK)).toEqual([])
  })

  it('runs only the script that has to run: better-sqlite3 compiles its binding', () => {
    const allowed = Object.entries(MANIFEST.allowScripts ?? {})
      .filter(([, allow]) => allow)
      .map(([name]) => name)
    expect(allowed).toEqual(['better-sqlite3'])
  })

  it('would notice a new script, a stale entry and a pinned one', () => {
    const allowScripts = MANIFEST.allowScripts ?? {}
    const withNew: Lock = { packages: { ...LOCK.packages, 'node_modules/fresh/node_modules/@scope/native': { version: '1.0.0', hasInstallScript: true } } }
    expect(installScriptProblems(allowScripts, withNew)).toEqual(['@scope/native has an install script that allowScripts neither allows nor denies'])
    expect(installScriptProblems({ ...allowScripts, gone: false }, LOCK)).toEqual([
      'gone is in allowScripts but no installed package of that name has an install script',
    ])
    const pinned = Object.fromEntries(Object.entries(allowScripts).map(([key, allow]) => [key === 'better-sqlite3' ? 'better-sqlite3@12.11.1' : key, allow]))
    expect(installScriptProblems(pinned, LOCK)).toEqual([
      'better-sqlite3 has an install script that allowScripts neither allows nor denies',
      'better-sqlite3@12.11.1 is pinned to a version, which npm cannot verify against this lock',
    ])
  })
})
