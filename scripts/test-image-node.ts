/**
 * `npm run test:image-node`: the whole test suite (`npm test`: build, type checks, Vitest) on
 * the container image's Node, where `npm test` runs it on this machine's. That Node is the
 * release the Dockerfile names, its official binary from the npm registry (image-node.ts),
 * installed with npm into `.cache/node/` once. Its folder goes first on PATH, and npm itself
 * runs on it, so the build, Vitest's workers and every server the tests start (with `node` or
 * `process.execPath`) run on it too; the suite's own check fails if they do not.
 *
 *   npm run test:image-node                    the whole suite
 *   npm run test:image-node -- <file>…         Vitest's arguments, e.g. some test files
 *
 * Native modules: classic-level (the store) loads an N-API prebuild, which every Node takes.
 * better-sqlite3 is compiled at install for this machine's Node and would not load on another,
 * but only the benchmark's Hocuspocus server loads it, and no test starts that.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, dirname, join } from 'node:path'
import { must } from './container/commands.js'
import { imageNode, installImageNode, REPO } from './image-node.js'

const log = (line: string) => process.stdout.write(`${line}\n`)

/** npm's own script: the one running this (npm run sets npm_execpath), else the global one. */
async function npmCli(): Promise<string> {
  const running = process.env.npm_execpath
  if (running?.endsWith('npm-cli.js') && existsSync(running)) return running
  const global = join((await must('npm', ['root', '-g'])).trim(), 'npm', 'bin', 'npm-cli.js')
  if (!existsSync(global)) throw new Error(`npm is not where \`npm root -g\` says (${global})`)
  return global
}

async function main(): Promise<number> {
  const { image, version } = imageNode()
  const node = await installImageNode(log)
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}`,
    // The suite checks that it runs on this version (server/test/unit/image-node.test.ts).
    QUIRE_TEST_NODE: version,
  }
  const onPath = (await must('node', ['--version'], { env })).trim()
  if (onPath !== `v${version}`) throw new Error(`node on the new PATH says ${onPath}, expected v${version}`)
  const args = process.argv.slice(2)
  log(`npm test on node ${onPath}, the image's (${image}); this machine's is ${process.version}`)
  const began = Date.now()
  const child = spawn(node, [await npmCli(), 'test', ...(args.length > 0 ? ['--', ...args] : [])], { cwd: REPO, env, stdio: 'inherit' })
  const code = await new Promise<number>((resolve) => {
    child.on('error', (error) => {
      log(`npm test could not start: ${error.message}`)
      resolve(1)
    })
    child.on('close', (exit, signal) => resolve(exit ?? (signal ? 128 : 1)))
  })
  log(`npm test on node ${onPath}: ${code === 0 ? 'passed' : `failed (exit ${code})`} in ${((Date.now() - began) / 1000).toFixed(0)} s`)
  return code
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exit(1)
  },
)
