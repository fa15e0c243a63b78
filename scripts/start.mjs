// `npm start`: builds what changed since the last build, then runs the server in this terminal.
// The server and shared code are TypeScript project references (tsc -b skips what is up to
// date); the client's Vite build is redone only when a file it is made of is newer than it.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** What the client's build is made of. */
const CLIENT_SOURCES = [
  'client/src',
  'client/public',
  'client/index.html',
  'client/vite.config.ts',
  'client/package.json',
  'client/tsconfig.json',
  'shared/src',
  'shared/package.json',
  'package-lock.json',
]
const CLIENT_BUILT = 'client/dist/index.html'

function newest(path) {
  if (!existsSync(path)) return 0
  const stats = statSync(path)
  if (!stats.isDirectory()) return stats.mtimeMs
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))))
}

function run(command, args) {
  const { status } = spawnSync(command, args, { stdio: 'inherit' })
  if (status !== 0) process.exit(status ?? 1)
}

run('npx', ['tsc', '-b'])
const built = existsSync(CLIENT_BUILT) ? statSync(CLIENT_BUILT).mtimeMs : 0
if (Math.max(...CLIENT_SOURCES.map(newest)) > built) run('npm', ['run', 'build', '-w', 'client'])

const server = spawn(process.execPath, ['server/dist/main.js'], { stdio: 'inherit' })
// Ctrl-C reaches the server through the terminal; a SIGTERM sent to this process is passed on.
process.on('SIGTERM', () => server.kill('SIGTERM'))
process.on('SIGINT', () => undefined)
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
