import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

const SECRET_FILE = 'secret'
const SECRET_PATTERN = /^[0-9a-f]{64}$/

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
    throw new Error(
      `${SECRET_FILE} in DATA_DIR is not a secret this server wrote (64 hex digits); restore it or remove it to make new links`,
    )
  }
  return Buffer.from(text, 'hex')
}
