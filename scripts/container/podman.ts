/**
 * The real image, built from the real Dockerfile and run with podman (daemonless; it needs
 * root here). What these flags are for, found by trying on these machines:
 * - `--runtime runc`: crun refuses ("cgroups in hybrid mode not supported").
 * - `--ulimit`: podman's defaults (nofile 1048576, nproc 32768+) are above what this machine
 *   lets a process raise them to, and the container fails to start.
 * - `--format docker`: the OCI format drops HEALTHCHECK.
 * - `--network=host` for the build: npm ci reaches the registry like the host does.
 * - `--secret id=npm_ca`: the host's CA bundle, for a TLS-inspecting proxy, used by the
 *   Dockerfile's npm ci steps only and never stored in a layer.
 */
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ensureBaseImage } from './base-image.js'
import { must, run, which } from './commands.js'
import { freePort, type Started, type Target } from './target.js'

export const IMAGE = 'localhost/quire:test'

/** Longer than the server's own shutdown deadline (SHUTDOWN_TIMEOUT_MS, 10 s by default). */
const STOP_TIMEOUT_MS = 30_000

/** nproc for the containers: a few dozen threads is all Node needs; larger values are refused here. */
const NPROC = 4096

/** This process's hard limit of open files (a container may not be given more). */
function hardOpenFiles(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((text) => text.startsWith('Max open files'))
  const hard = Number(line?.trim().split(/\s+/)[4])
  return Number.isFinite(hard) ? Math.min(hard, 65536) : 1024
}

function limits(): string[] {
  const files = hardOpenFiles()
  return ['--ulimit', `nofile=${files}:${files}`, '--ulimit', `nproc=${NPROC}:${NPROC}`]
}

/** Why podman cannot run the image here, or undefined if it can. */
export async function podmanUnavailable(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `this is ${process.platform}, not Linux`
  if (process.getuid?.() !== 0) return 'not root (podman runs rootful here; rootless needs subuid ranges this test does not set up)'
  for (const program of ['podman', 'runc', 'iptables']) {
    if (!which(program)) return `${program} is not installed (.ci/run installs it with apt-get)`
  }
  const info = await run('podman', ['info', '--format', '{{.Host.OCIRuntime.Name}}'])
  if (info.code !== 0) return `podman does not work: ${info.stderr.trim().split('\n').at(-1)}`
  const netns = await run('unshare', ['--net', 'true'])
  if (netns.code !== 0) return `cannot create a network namespace: ${netns.stderr.trim()}`
  return undefined
}

/** The CA bundle the host trusts, for npm behind a proxy that inspects TLS. */
function hostCaBundle(): string | undefined {
  return [process.env.NODE_EXTRA_CA_CERTS, '/etc/ssl/certs/ca-certificates.crt'].find((path) => path && existsSync(path))
}

export interface BuiltImage {
  base: string
  buildSeconds: number
  sizeBytes: number
  config: ImageConfig
}

export interface ImageConfig {
  User: string
  Env: string[]
  ExposedPorts: Record<string, unknown> | null
  Volumes: Record<string, unknown> | null
  Healthcheck: { Test: string[] } | null
  Cmd: string[] | null
}

/** Makes the base if needed, then builds the Dockerfile. Throws `BaseImageError` if the base cannot be made. */
export async function buildImage(repo: string, cacheDir: string, log: (line: string) => void): Promise<BuiltImage> {
  await mkdir(cacheDir, { recursive: true })
  let base: string
  try {
    base = await ensureBaseImage(cacheDir, log)
  } catch (error) {
    throw new BaseImageError(error instanceof Error ? error.message : String(error))
  }
  const ca = hostCaBundle()
  const args = [
    'build',
    '--runtime',
    'runc',
    '--format',
    'docker',
    '--network=host',
    '--pull=never',
    '--jobs',
    '2',
    ...limits(),
    ...(ca ? ['--secret', `id=npm_ca,src=${ca}`] : []),
    '--build-arg',
    `NODE_IMAGE=${base}`,
    '--tag',
    IMAGE,
    '--file',
    join(repo, 'Dockerfile'),
    repo,
  ]
  log(`podman ${args.join(' ')}`)
  const started = Date.now()
  await writeFile(join(cacheDir, 'build.log'), '')
  await must('podman', args, { logFile: join(cacheDir, 'build.log'), echo: /^\[\d\/\d\] STEP|^--> Using cache|COMMIT/, timeoutMs: 30 * 60_000 })
  const buildSeconds = (Date.now() - started) / 1000
  const [inspected] = JSON.parse(await must('podman', ['image', 'inspect', IMAGE])) as {
    Size: number
    Config: ImageConfig
    Healthcheck?: ImageConfig['Healthcheck']
  }[]
  if (!inspected) throw new Error(`podman does not know ${IMAGE} after building it`)
  // podman reports the health check beside the config rather than in it.
  const config = { ...inspected.Config, Healthcheck: inspected.Config.Healthcheck ?? inspected.Healthcheck ?? null }
  return { base, buildSeconds, sizeBytes: inspected.Size, config }
}

export class BaseImageError extends Error {
  override name = 'BaseImageError'
}

/** Starts the image on `volume`, its port 3000 published on a free loopback port. */
export async function startContainer(name: string, volume: string): Promise<Started> {
  const port = await freePort()
  const ran = await run('podman', [
    'run',
    '--detach',
    '--runtime',
    'runc',
    ...limits(),
    '--name',
    name,
    '--publish',
    `127.0.0.1:${port}:3000`,
    '--volume',
    `${volume}:/data`,
    IMAGE,
  ])
  // Without systemd podman cannot schedule the health check's timer and says so; the check
  // itself runs on demand below.
  if (ran.code !== 0) throw new Error(`podman run failed (exit ${ran.code}):\n${ran.stderr}`)
  const target: Target = {
    describe: `container ${name} (${IMAGE}, volume ${volume})`,
    async healthcheck() {
      const check = await run('podman', ['healthcheck', 'run', name])
      const status = (await must('podman', ['inspect', '--format', '{{.State.Health.Status}}', name])).trim()
      return { ok: check.code === 0 && status === 'healthy', detail: `podman healthcheck run: exit ${check.code}, status ${status}` }
    },
    async serverUid() {
      const status = await must('podman', ['exec', name, 'cat', '/proc/1/status'])
      return Number(/^Uid:\s+(\d+)/m.exec(status)?.[1])
    },
    async dataOwnerUid() {
      return Number((await must('podman', ['exec', name, 'stat', '-c', '%u', '/data/db'])).trim())
    },
    async stop() {
      await must('podman', ['kill', '--signal', 'TERM', name])
      const waited = await run('podman', ['wait', name], { timeoutMs: STOP_TIMEOUT_MS })
      if (waited.code !== 0) throw new Error(`still running ${STOP_TIMEOUT_MS / 1000} s after SIGTERM`)
      return Number(waited.stdout.trim())
    },
    async logs() {
      const ran = await run('podman', ['logs', name])
      return ran.stdout + ran.stderr
    },
    async remove() {
      await run('podman', ['rm', '--force', '--time', '0', name])
    },
  }
  return { url: `http://127.0.0.1:${port}`, target }
}

export async function createVolume(name: string): Promise<void> {
  await must('podman', ['volume', 'create', name])
}

export async function removeVolume(name: string): Promise<void> {
  await run('podman', ['volume', 'rm', '--force', name])
}

/** Runs a command in a throwaway container of the image (its CMD replaced). */
export async function runInImage(command: string[]): Promise<string> {
  return must('podman', ['run', '--rm', '--runtime', 'runc', ...limits(), '--network', 'none', IMAGE, ...command])
}
