import { rm } from 'node:fs/promises'
import { afterEach } from 'vitest'
import type { ChildServer } from './child-server.js'
import type { TestClient } from './clients.js'
import { tempDataDir, type TestServer } from './server.js'

/** What a test starts and makes; all of it is gone after each test. */
export interface Fixtures {
  /** Destroyed. */
  clients: TestClient[]
  /** In-process servers, stopped (their data stays for the test that restarts them). */
  servers: TestServer[]
  /** Child-process servers, killed. */
  children: ChildServer[]
  /** A fresh data directory, removed after the test. */
  dataDir(): Promise<string>
}

/** Fixtures for the tests of the enclosing file or block, cleaned up after each test. */
export function fixtures(): Fixtures {
  const dirs: string[] = []
  const made: Fixtures = {
    clients: [],
    servers: [],
    children: [],
    async dataDir() {
      const dir = await tempDataDir()
      dirs.push(dir)
      return dir
    },
  }
  afterEach(async () => {
    for (const client of made.clients.splice(0)) client.destroy()
    for (const server of made.servers.splice(0)) await server.stop()
    for (const child of made.children.splice(0)) child.process.kill('SIGKILL')
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
  })
  return made
}
