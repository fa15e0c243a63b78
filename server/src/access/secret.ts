import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { DocStore } from '../storage/doc-store.js'

const SECRET_FILE = 'secret'
const SECRET_SETTING = 'link-secret'
const SECRET_PATTERN = /^[0-9a-f]{64}$/

/**
 * Where a generated secret is kept: a file in DATA_DIR beside LevelDB, or the settings of a
 * store that several servers share (PostgreSQL), so that they all sign and check the same keys.
 */
export type SecretHome = { dataDir: string } | { settingOnce(name: string, value: string): Promise<string> }

/** Where the secret of a server with `store` and `dataDir` is kept. */
export function secretHomeOf(store: DocStore, dataDir: string): SecretHome {
  const { settingOnce } = store
  return settingOnce ? { settingOnce: (name, value) => settingOnce.call(store, name, value) } : { dataDir }
}

/** The generated secret in hex, or null when the secret is configured (LINK_SECRET). */
export function generatedSecretHex(secret: Buffer, configured: string | undefined): string | null {
  return configured === undefined ? secret.toString('hex') : null
}

/**
 * The secret that signs share links: the configured one, or one generated once into its home
 * (created atomically: whoever stores it first, every later start reads it), so links survive
 * restarts.
 */
export async function loadLinkSecret(home: SecretHome, configured: string | undefined): Promise<Buffer> {
  if (configured !== undefined) return Buffer.from(configured, 'utf8')
  return Buffer.from(checked(await keepOnce(home, randomBytes(32).toString('hex')), home), 'hex')
}

/** Puts a backup's secret into a home, unless a different one is there already. */
export async function restoreLinkSecret(home: SecretHome, hex: string): Promise<void> {
  const kept = await keepOnce(home, hex)
  if (kept !== hex) throw new Error(`the ${where(home)} holds a link secret that differs from the backup's; remove it to restore the backup's links`)
}

/** Stores `value` unless a secret is there already; returns the one that is there now. */
async function keepOnce(home: SecretHome, value: string): Promise<string> {
  if ('settingOnce' in home) return home.settingOnce(SECRET_SETTING, value)
  const path = join(home.dataDir, SECRET_FILE)
  await mkdir(home.dataDir, { recursive: true })
  try {
    await writeFile(path, value + '\n', { flag: 'wx', mode: 0o600 })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  return (await readFile(path, 'utf8')).trim()
}

function checked(hex: string, home: SecretHome): string {
  if (!SECRET_PATTERN.test(hex)) {
    throw new Error(`the link secret in the ${where(home)} is not one this server wrote (64 hex digits); restore it or remove it to make new links`)
  }
  return hex
}

function where(home: SecretHome): string {
  return 'settingOnce' in home ? 'database' : `file ${SECRET_FILE} of DATA_DIR`
}
