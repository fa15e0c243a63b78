/** Where and with what a run was measured: machine, versions, sizes. */
import { execFileSync } from 'node:child_process'
import { cpus, totalmem } from 'node:os'
import { installedVersion, REPO_ROOT, type ServerKind } from '../servers/server-kind.js'
import type { Settings } from '../settings.js'

export interface Environment {
  date: string
  commit: string
  node: string
  cpu: string
  cores: number
  memoryGiB: number
  quick: boolean
  durationS: number
  servers: Record<string, string>
  packages: Record<string, string>
  settings: Settings
}

const PACKAGES = ['yjs', 'y-protocols', 'ws', 'level', 'classic-level', 'y-leveldb', 'leveldown', 'better-sqlite3', '@hocuspocus/extension-sqlite']

function commit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim()
    return dirty ? `${sha} (with local changes)` : sha
  } catch {
    return 'unknown'
  }
}

export function describeEnvironment(settings: Settings, servers: ServerKind[], durationMs: number): Environment {
  return {
    date: new Date().toISOString(),
    commit: commit(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    quick: settings.quick,
    durationS: Math.round(durationMs / 1000),
    servers: Object.fromEntries(servers.map((kind) => [kind.id, kind.label])),
    packages: Object.fromEntries(PACKAGES.map((name) => [name, installedVersion(name)])),
    settings,
  }
}
