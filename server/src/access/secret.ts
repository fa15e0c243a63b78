import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

const SECRET_FILE = 'secret'
const SECRET_PATTERN = /^[0-9a-f]{64}$/

/** The generated secret in hex, or null when the secret is configured (LINK_SECRET). */
export function generatedSecretHex(secret: Buffer, configured: string | undefined): string | null {
  return configured === undefined ? secret.toString('hex') : null
}

/** Puts a backup's secret into a data directory, unless a different one is there already. */
export async function restoreLinkSecret(dataDir: string, hex: string): Promise<void> {
  const path = join(dataDir, SECRET_FILE)
  await mkdir(dataDir, { recursive: true })
  const current = await readFile(path, 'utf8').then(
    (text) => text.trim(),
    () => undefined,
  )
  if (current === undefined) await writeFile(path, hex + '\n', { flag: 'wx', mode: 0o600 })
  else if (current !== hex) throw new Error(`${SECRET_FILE} in DATA_DIR differs from the backup's; remove it to restore the backup's links`)
}

/**
 * The secret that signs share links: the configured one, or one generated once into the data
 * directory, so links survive restarts.
 */
export async function loadLinkSecret(dataDir: string, configured: string | undefined): Promise<Buffer> {
  if (configured !== undefined) return Buffer.from(configured, 'utf8')
  const path = join(dataDir, SECRET_FILE)
  await mkdir(dataDir, { recursive: true })
  try {
    await writeFile(path, randomBytes(32).toString('hex') + '\n', { flag: 'wx', mode: 0o600 })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  const text = (await readFile(path, 'utf8')).trim()
  if (!SECRET_PATTERN.test(text)) {
    throw new Error(`${SECRET_FILE} in DATA_DIR is not a secret this server wrote (64 hex digits); restore it or remove it to make new links`)
  }
  return Buffer.from(text, 'hex')
}
