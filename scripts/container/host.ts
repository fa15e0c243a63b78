/**
 * Where podman cannot run: the image's runtime stage reproduced on the host. A clean copy of
 * the work tree (what `git` tracks or would track: no node_modules, no dist, no data), every
 * dependency installed and built as the build stage does, then production dependencies only,
 * started as an unprivileged user with the environment, command and health check that the
 * Dockerfile gives the image, on the image's Node (from the npm registry, as the container
 * test's base image has it) where this platform has a package of it.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, chown, copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { imageNode, installImageNode } from '../image-node.js'
import { must, run, which } from './commands.js'
import type { ImageSpec } from './dockerfile.js'
import { freePort, type Started } from './target.js'

/** Longer than the server's own shutdown deadline (SHUTDOWN_TIMEOUT_MS, 10 s by default). */
const STOP_TIMEOUT_MS = 30_000

/** nobody:nogroup on Debian. */
const UNPRIVILEGED = 65534

export interface HostCopy {
  root: string
  /** The node binary that builds and runs it: the image's, else this machine's. */
  node: string
  /** What it says its version is (`v24.22.3`). */
  nodeVersion: string
  remove(): Promise<void>
}

/** The image's Node, copied into `root` (readable by the unprivileged user), or this machine's if it cannot be had. */
async function nodeFor(root: string, log: (line: string) => void): Promise<{ node: string; nodeVersion: string }> {
  try {
    const node = join(root, '.node', 'bin', 'node')
    await mkdir(dirname(node), { recursive: true })
    await copyFile(await installImageNode(log), node)
    await chmod(node, 0o755)
    log(`node v${imageNode().version}, the image's`)
    return { node, nodeVersion: `v${imageNode().version}` }
  } catch (error) {
    log(`!!! the image's Node cannot be had here (${error instanceof Error ? error.message : String(error)}): this machine's node ${process.version} instead`)
    return { node: process.execPath, nodeVersion: process.version }
  }
}

/** The work tree, copied clean, installed, built and pruned to production dependencies. */
export async function prepareHostCopy(repo: string, log: (line: string) => void): Promise<HostCopy> {
  const root = await mkdtemp(join(tmpdir(), 'quire-runtime-'))
  // The unprivileged server must be able to read its code.
  await chmod(root, 0o755)
  const files = (await must('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repo })).split('\0').filter(Boolean)
  for (const file of files) {
    if (!existsSync(join(repo, file))) continue // deleted in the work tree
    await mkdir(dirname(join(root, file)), { recursive: true })
    await copyFile(join(repo, file), join(root, file))
  }
  log(`copied ${files.length} files of the work tree`)
  const { node, nodeVersion } = await nodeFor(root, log)
  // npm runs on the first node on PATH, and so does every script it runs.
  const env = { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` }
  const npm = { cwd: root, env, logFile: join(root, 'npm.log'), timeoutMs: 20 * 60_000 }
  log('npm ci --ignore-scripts (as the build stage)')
  await must('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], npm)
  log('npm run build')
  await must('npm', ['run', 'build'], npm)
  log('npm prune --omit=dev (production dependencies only, as the runtime stage)')
  await must('npm', ['prune', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], npm)
  return { root, node, nodeVersion, remove: () => rm(root, { recursive: true, force: true }) }
}

/** The command with `node` meaning the given node binary. */
function onNode(node: string, command: string[]): [string, string[]] {
  const [program, ...args] = command
  return [program === 'node' ? node : (program ?? ''), args]
}

/** Prefixes a command so it runs as nobody, when this process may switch users. */
function asUnprivileged(program: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [program, args] // already not root
  const setpriv = which('setpriv')
  if (!setpriv) throw new Error('setpriv (util-linux) is needed to start the server as an unprivileged user')
  return [setpriv, [`--reuid=${UNPRIVILEGED}`, `--regid=${UNPRIVILEGED}`, '--clear-groups', '--', program, ...args]]
}

/** Starts the server of `copy` as the image would, its data in `dataDir`. */
export async function startOnHost(copy: HostCopy, spec: ImageSpec, dataDir: string): Promise<Started> {
  const { runtime } = spec
  if (!Array.isArray(runtime.cmd)) throw new Error('the Dockerfile CMD is not in exec form')
  const healthcheck = runtime.healthcheck?.command
  if (!Array.isArray(healthcheck)) throw new Error('the Dockerfile has no exec-form HEALTHCHECK')
  await mkdir(dataDir, { recursive: true })
  if (process.getuid?.() === 0) await chown(dataDir, UNPRIVILEGED, UNPRIVILEGED)

  const port = await freePort()
  // The image's environment; only the port and the data folder differ on a shared host.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...Object.fromEntries(runtime.env), PORT: String(port), DATA_DIR: dataDir }
  const [program, args] = asUnprivileged(...onNode(copy.node, runtime.cmd))
  const child = spawn(program, args, { cwd: copy.root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk) => (output += String(chunk)))
  child.stderr.on('data', (chunk) => (output += String(chunk)))
  const exited = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))))

  return {
    url: `http://127.0.0.1:${port}`,
    target: {
      describe: `node ${runtime.cmd.slice(1).join(' ')} (node ${copy.nodeVersion}) on the host as uid ${process.getuid?.() === 0 ? UNPRIVILEGED : process.getuid?.()}, DATA_DIR ${dataDir}`,
      async healthcheck() {
        const [checkProgram, checkArgs] = asUnprivileged(...onNode(copy.node, healthcheck))
        const ran = await run(checkProgram, checkArgs, { cwd: copy.root, env, timeoutMs: 10_000 })
        return { ok: ran.code === 0, detail: `the HEALTHCHECK command: exit ${ran.code}` }
      },
      async serverUid() {
        const status = await run('cat', [`/proc/${child.pid}/status`])
        return Number(/^Uid:\s+(\d+)/m.exec(status.stdout)?.[1])
      },
      async dataOwnerUid() {
        return Number((await must('stat', ['-c', '%u', join(dataDir, 'db')])).trim())
      },
      async stop() {
        child.kill('SIGTERM')
        const late = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), STOP_TIMEOUT_MS).unref())
        const code = await Promise.race([exited, late])
        if (code === 'late') throw new Error(`still running ${STOP_TIMEOUT_MS / 1000} s after SIGTERM`)
        return code
      },
      async logs() {
        return output
      },
      async remove() {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL')
          await exited
        }
      },
    },
  }
}
