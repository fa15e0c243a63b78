import { readFileSync } from 'node:fs'
import { posix, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { validate, ValidationSeverity, type ValidatorSettings } from 'dockerfile-utils'
import { describe, expect, it } from 'vitest'
import { parseDockerfile, type ImageSpec } from '../../../scripts/container/dockerfile.js'
import { nodeImageOf, type ImageNode } from '../../../scripts/image-node.js'
import { CLIENT_DIST } from '../../src/http/client-routes.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const DOCKERFILE = readFileSync(`${ROOT}Dockerfile`, 'utf8')
const DOCKERIGNORE = readFileSync(`${ROOT}.dockerignore`, 'utf8')

/** Every rule the linter can be told about counts as an error. */
const STRICT: ValidatorSettings = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
}

function lint(text: string): string[] {
  return validate(text, STRICT).map((problem) => `line ${problem.range.start.line + 1}: ${problem.message}`)
}

const ROOT_USERS = new Set(['', 'root', '0'])

/** What the issue asks of the image, as a list of what is missing. */
function imageProblems(spec: ImageSpec, dockerignore: string): string[] {
  const problems: string[] = []
  const { runtime } = spec
  const runtimeStage = spec.stages.at(-1)

  if (spec.stages.length < 2) problems.push('not multi-stage')
  let node: ImageNode | undefined
  try {
    node = nodeImageOf(spec.args.get('NODE_IMAGE') ?? '')
  } catch {
    problems.push('ARG NODE_IMAGE does not default to an official Node slim image with its version pinned')
  }
  // Even majors become LTS; 20 reached its end of life in April 2026, 22 is in maintenance.
  if (node && (node.major < 24 || node.major % 2 !== 0)) problems.push(`ARG NODE_IMAGE defaults to Node ${node.major}, not an LTS line of 24 or later`)
  if (!['${NODE_IMAGE}', '$NODE_IMAGE'].includes(runtimeStage?.image ?? '')) {
    problems.push('the runtime stage is not FROM ${NODE_IMAGE}')
  }
  const runtimeRuns = runtimeStage?.instructions.filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent() ?? '') ?? []
  if (runtimeRuns.some((run) => /\bnpm (ci|install|i)\b/.test(run) && !run.includes('--omit=dev'))) {
    problems.push('the runtime stage installs dev dependencies')
  }
  const buildRuns = spec.stages
    .slice(0, -1)
    .flatMap((stage) => stage.instructions)
    .map((i) => i.getArgumentsContent() ?? '')
  if (!buildRuns.some((run) => run.includes('npm run build'))) problems.push('no build stage runs npm run build')

  const user = runtime.user?.split(':')[0] ?? ''
  if (ROOT_USERS.has(user)) problems.push('the image runs as root')
  if (!runtime.volumes.includes('/data')) problems.push('no /data volume')
  if (runtime.env.get('DATA_DIR') !== '/data') problems.push('DATA_DIR is not /data')
  if (runtime.env.get('HOST') !== '0.0.0.0') problems.push('HOST is not 0.0.0.0')
  if (!runtime.exposed.some((port) => port.replace(/\/tcp$/, '') === '3000')) problems.push('port 3000 is not exposed')

  const check = runtime.healthcheck?.command
  if (!check) problems.push('no HEALTHCHECK')
  else if (!Array.isArray(check)) problems.push('the HEALTHCHECK is in shell form')
  else if (!check.join(' ').includes('/healthz')) problems.push('the HEALTHCHECK does not ask /healthz')
  else if (['curl', 'wget'].includes(check[0] ?? '')) problems.push('the HEALTHCHECK needs a tool the image lacks')

  if (!Array.isArray(runtime.cmd)) problems.push('CMD is not in exec form (SIGTERM would not reach node)')
  else if (runtime.cmd.join(' ') !== 'node server/dist/main.js') problems.push(`CMD runs ${runtime.cmd.join(' ')}`)

  // The server looks for the client's files next to its own build, wherever that is.
  const workdir = runtime.workdir ?? '/'
  const destinations = runtime.copies.map((copy) => posix.resolve(workdir, copy.destination))
  const clientDist = posix.resolve(workdir, relative(ROOT, CLIENT_DIST).split('\\').join('/'))
  if (!destinations.includes(clientDist)) problems.push(`the client's files are not copied to ${clientDist}`)
  for (const folder of ['server/dist', 'shared/dist', 'node_modules']) {
    if (!destinations.includes(posix.resolve(workdir, folder))) problems.push(`${folder} is not copied into the image`)
  }

  const ignored = new Set(dockerignore.split('\n').map((line) => line.trim().replace(/\/$/, '')))
  for (const entry of ['node_modules', 'data', '.git']) {
    if (!ignored.has(entry) && !ignored.has(`**/${entry}`)) problems.push(`.dockerignore lets ${entry} in`)
  }
  return problems
}

describe('the Dockerfile', () => {
  it('passes the linter with every rule strict', () => {
    expect(lint(DOCKERFILE)).toEqual([])
  })

  it('gives the linter something to say about a broken one', () => {
    const broken = DOCKERFILE.replace('--interval=30s', '--interva=30s').replace(/^CMD /m, 'cmd ')
    expect(lint(broken)).toEqual([expect.stringContaining('Unknown flag: interva'), expect.stringContaining('uppercase')])
  })

  it('builds the image the issue asks for', () => {
    expect(imageProblems(parseDockerfile(DOCKERFILE), DOCKERIGNORE)).toEqual([])
  })

  it('would notice each thing going missing', () => {
    const cases: [string, (text: string) => string, string][] = [
      ['single stage', (text) => text.replace(/^FROM \S+ AS (manifests|build|deps)$/gm, '#'), 'not multi-stage'],
      ['root user', (text) => text.replace(/^USER .*$/m, 'USER root'), 'the image runs as root'],
      ['no volume', (text) => text.replace(/^VOLUME .*$/m, ''), 'no /data volume'],
      ['no health check', (text) => text.replace(/^HEALTHCHECK[^]*?\)"\]\n/m, ''), 'no HEALTHCHECK'],
      ['shell-form CMD', (text) => text.replace(/^CMD .*$/m, 'CMD node server/dist/main.js'), 'CMD is not in exec form (SIGTERM would not reach node)'],
      ['loopback only', (text) => text.replace('HOST=0.0.0.0', 'HOST=127.0.0.1'), 'HOST is not 0.0.0.0'],
      ['no port', (text) => text.replace(/^EXPOSE .*$/m, ''), 'port 3000 is not exposed'],
      ['client elsewhere', (text) => text.replace(/client\/dist client\/dist/, 'client/dist public'), "the client's files are not copied to /app/client/dist"],
      [
        'Node 20',
        (text) => text.replace(/^ARG NODE_IMAGE=.*$/m, 'ARG NODE_IMAGE=node:20.20.2-bookworm-slim'),
        'ARG NODE_IMAGE defaults to Node 20, not an LTS line of 24 or later',
      ],
      [
        'odd Node',
        (text) => text.replace(/^ARG NODE_IMAGE=.*$/m, 'ARG NODE_IMAGE=node:25.9.0-bookworm-slim'),
        'ARG NODE_IMAGE defaults to Node 25, not an LTS line of 24 or later',
      ],
      [
        'floating Node',
        (text) => text.replace(/^ARG NODE_IMAGE=.*$/m, 'ARG NODE_IMAGE=node:24-bookworm-slim'),
        'ARG NODE_IMAGE does not default to an official Node slim image with its version pinned',
      ],
    ]
    for (const [what, mutate, problem] of cases) {
      const mutated = mutate(DOCKERFILE)
      expect(mutated, what).not.toBe(DOCKERFILE)
      expect(imageProblems(parseDockerfile(mutated), DOCKERIGNORE), what).toContain(problem)
    }
    expect(imageProblems(parseDockerfile(DOCKERFILE), DOCKERIGNORE.replace(/^\.git$/m, ''))).toContain('.dockerignore lets .git in')
  })
})
