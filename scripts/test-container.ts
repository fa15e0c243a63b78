/**
 * `npm run test:container`: builds the real Dockerfile with podman (no Docker engine needed),
 * runs the image on a volume and checks what an administrator relies on. Where podman cannot
 * run, says so loudly and reproduces the image's runtime stage on the host instead.
 *
 *   npm run test:container            podman if it can, else the host
 *   npm run test:container -- --host  the host, whatever podman could do
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readDockerfile } from './container/dockerfile.js'
import { prepareHostCopy, startOnHost } from './container/host.js'
import { imageNode } from './image-node.js'
import {
  BaseImageError,
  buildImage,
  createVolume,
  IMAGE,
  podmanUnavailable,
  removeVolume,
  runInImage,
  startContainer,
  type BuiltImage,
} from './container/podman.js'
import { runScenario, type Tally } from './container/scenario.js'

const REPO = fileURLToPath(new URL('..', import.meta.url))
/** Git-ignored; holds the debootstrapped Debian between runs, and the build's log. */
const CACHE_DIR = join(REPO, '.cache', 'container')

const log = (line: string) => process.stdout.write(`${line}\n`)

function loudly(lines: string[]): void {
  const bar = '!'.repeat(78)
  process.stderr.write(`\n${bar}\n${lines.map((line) => `!!! ${line}`).join('\n')}\n${bar}\n\n`)
}

/** The image's own configuration, as podman stored it (the docker format keeps HEALTHCHECK). */
async function checkImage(built: BuiltImage): Promise<Tally> {
  const { config } = built
  const env = new Set(config.Env)
  const problems = [
    ['', 'root', '0'].includes(config.User.split(':')[0] ?? '') && `runs as "${config.User || 'root'}"`,
    !config.Healthcheck?.Test.join(' ').includes('/healthz') && 'no HEALTHCHECK on /healthz',
    !config.Volumes?.['/data'] && 'no /data volume',
    !config.ExposedPorts?.['3000/tcp'] && 'port 3000 not exposed',
    !(env.has('HOST=0.0.0.0') && env.has('DATA_DIR=/data')) && 'HOST or DATA_DIR not set',
    config.Cmd?.join(' ') !== 'node server/dist/main.js' && `CMD is ${JSON.stringify(config.Cmd)}`,
  ].filter((problem): problem is string => typeof problem === 'string')
  const tally: Tally = { passed: 0, failed: 0 }
  if (problems.length === 0) {
    tally.passed++
    log(`  ✓ image configuration: user ${config.User}, HEALTHCHECK, /data volume, port 3000, exec-form CMD`)
  } else {
    tally.failed++
    log(`  ✗ image configuration: ${problems.join('; ')}`)
  }
  // The Node that the Dockerfile names (the base image is a stand-in made for it).
  const node = (await runInImage(['node', '--version'])).trim()
  if (node === `v${imageNode().version}`) {
    tally.passed++
    log(`  ✓ image Node: ${node}, as the Dockerfile's ${imageNode().image}`)
  } else {
    tally.failed++
    log(`  ✗ image Node: ${node}, but the Dockerfile names ${imageNode().image}`)
  }
  // Production dependencies only, and the client's files where the server looks for them.
  const inside = await runInImage([
    'sh',
    '-c',
    'for path in node_modules/typescript node_modules/vite node_modules/vitest client/dist/index.html; do test -e "$path" && echo "$path"; done; true',
  ])
  const present = new Set(inside.split('\n').filter(Boolean))
  const devFound = [...present].filter((path) => path.startsWith('node_modules/'))
  if (devFound.length === 0 && present.has('client/dist/index.html')) {
    tally.passed++
    log('  ✓ image contents: no dev dependencies, the client built into client/dist')
  } else {
    tally.failed++
    log(
      `  ✗ image contents: dev dependencies ${devFound.join(', ') || 'none'}; client/dist/index.html ${present.has('client/dist/index.html') ? 'present' : 'missing'}`,
    )
  }
  return tally
}

async function inPodman(built: BuiltImage): Promise<Tally> {
  log(`\nimage ${IMAGE}: ${(built.sizeBytes / 1e6).toFixed(0)} MB, built in ${built.buildSeconds.toFixed(0)} s on ${built.base}`)
  const imageTally = await checkImage(built)
  const suffix = `${process.pid}-${randomBytes(3).toString('hex')}`
  const volume = `quire-test-${suffix}`
  await createVolume(volume)
  let count = 0
  try {
    const tally = await runScenario(() => startContainer(`quire-test-${suffix}-${++count}`, volume), log)
    return { passed: tally.passed + imageTally.passed, failed: tally.failed + imageTally.failed }
  } finally {
    await removeVolume(volume)
  }
}

async function onHost(reason: string): Promise<Tally> {
  const warning = [
    'CONTAINER TEST FALLBACK: the image is NOT built and NOT run.',
    `podman cannot run here: ${reason}`,
    'Reproducing the runtime stage on the host instead (clean copy, npm ci, build,',
    'npm prune --omit=dev, started unprivileged with the image environment).',
  ]
  loudly(warning)
  const spec = readDockerfile(join(REPO, 'Dockerfile'))
  const copy = await prepareHostCopy(REPO, log)
  try {
    return await runScenario(() => startOnHost(copy, spec, join(copy.root, 'volume')), log)
  } finally {
    await copy.remove()
    loudly(warning.slice(0, 2))
  }
}

async function main(): Promise<number> {
  const began = Date.now()
  let reason = process.argv.includes('--host') ? 'the host run was asked for (--host)' : await podmanUnavailable()
  let built: BuiltImage | undefined
  if (!reason) {
    try {
      built = await buildImage(REPO, CACHE_DIR, log)
    } catch (error) {
      if (!(error instanceof BaseImageError)) throw error
      reason = `the local base image could not be made: ${error.message}`
    }
  }
  const tally = built ? await inPodman(built) : await onHost(reason ?? 'unknown')
  log(`\ncontainer test took ${((Date.now() - began) / 1000).toFixed(0)} s${built ? '' : ' (host fallback)'}`)
  log(`container: ${tally.passed} passed, ${tally.failed} failed`)
  return tally.failed === 0 && tally.passed > 0 ? 0 : 1
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    log('container: 0 passed, 1 failed')
    process.exit(1)
  },
)
