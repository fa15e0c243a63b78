// `npm run dev`: the server, restarted on every change, and Vite's dev server for the client
// (which proxies the API and the collab socket to the server). Ctrl-C stops both.
import { spawn, spawnSync } from 'node:child_process'

// The server imports the shared package's build.
spawnSync('npx', ['tsc', '-b', 'shared'], { stdio: 'inherit' })

const port = process.env.PORT ?? '3000'
const children = [
  spawn('npx', ['tsx', 'watch', '--clear-screen=false', 'server/src/main.ts'], {
    stdio: 'inherit',
    env: { ...process.env, PORT: port },
  }),
  spawn('npx', ['vite', '--config', 'client/vite.config.ts', 'client'], {
    stdio: 'inherit',
    env: { ...process.env, QUIRE_DEV_SERVER: `http://127.0.0.1:${port}` },
  }),
]
const stop = () => children.forEach((child) => child.kill('SIGTERM'))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
for (const child of children) child.on('exit', (code) => (process.exitCode ||= code ?? 0))
