/**
 * `quire`, the operator's command: back up, restore, list, export and compact documents.
 * It opens DATA_DIR itself while no server runs, or, given `--server <url>` and ADMIN_TOKEN,
 * asks the running server (whose store is locked to it). Like main.ts, it is an entry point
 * and may touch the process.
 */
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { EXPORT_FORMATS, isDocId, type ExportFormat } from '@quire/shared'
import { backupRecords, BackupError, readManifest, restoreBackup, writeBackup, type BackupRecord } from './admin/backup.js'
import { compactStore, exportFromStore } from './admin/store-tasks.js'
import { generatedSecretHex, loadLinkSecret, restoreLinkSecret } from './access/secret.js'
import { ConfigError, loadConfig } from './config.js'
import { createLogger } from './logger.js'
import { foldStored } from './sync/doc-fields.js'
import type { BackupLine } from './http/admin-routes.js'
import { LevelStore } from './storage/level-store.js'

const USAGE = `Usage: quire <command> [options]

Commands:
  backup <dir>              write every document to a new directory <dir>
  restore <dir>             bring a backup back into an empty DATA_DIR (server stopped)
  list                      list the documents
  export <id>               print a document (--format markdown|html|json|text)
  compact                   fold every document's log into its base

Options:
  --server <url>            work through a running server (needs ADMIN_TOKEN)
  --format <format>         the export format (default: markdown)
  -h, --help                show this help

Environment: DATA_DIR (default ./data), ADMIN_TOKEN, LINK_SECRET.`

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      server: { type: 'string' },
      format: { type: 'string', default: 'markdown' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const [command, argument, ...extra] = positionals
  if (values.help || command === undefined) {
    process.stdout.write(USAGE + '\n')
    return
  }
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`)
  const needsArgument = ['backup', 'restore', 'export'].includes(command)
  if (needsArgument && argument === undefined) throw new UsageError(`${command} needs ${command === 'export' ? 'a document id' : 'a directory'}`)
  if (!needsArgument && argument !== undefined) throw new UsageError(`${command} takes no argument`)
  const format = values.format as ExportFormat
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`)
  if (command === 'export' && !isDocId(argument)) throw new UsageError(`${argument} is not a document id`)

  if (command === 'restore' && values.server !== undefined) throw new UsageError('restore works on a stopped server: run it without --server')
  // The server's own validated settings: a bad DATA_DIR or secret stops here, named.
  const { dataDir, adminToken, linkSecret } = loadConfig(process.env)
  const remote = values.server === undefined ? undefined : new Remote(values.server, adminToken)
  switch (command) {
    case 'backup': {
      const dir = resolve(argument!)
      const manifest = remote
        ? await remote.backup(dir)
        : await withStore(dataDir, async (store) => {
            const secret = generatedSecretHex(await loadLinkSecret(dataDir, linkSecret), linkSecret)
            return writeBackup(
              dir,
              backupRecords(store, async (stored) => foldStored(stored)),
              () => secret,
            )
          })
      say(`backed up ${manifest.documents} documents to ${dir}`)
      return
    }
    case 'restore': {
      const dir = resolve(argument!)
      const manifest = await readManifest(dir)
      const restored = await withStore(dataDir, (store) => restoreBackup(store, dir))
      if (manifest.linkSecret) await restoreLinkSecret(dataDir, manifest.linkSecret)
      else say('the backup holds no link secret (it was configured): start the server with the same LINK_SECRET')
      say(`restored ${restored} documents into ${resolve(dataDir)}`)
      return
    }
    case 'list': {
      const docs = remote ? await remote.list() : await withStore(dataDir, listStore)
      for (const doc of docs) process.stdout.write(`${doc.id}\t${doc.updatedAt}\t${doc.title}\n`)
      return
    }
    case 'export': {
      const body = remote
        ? await remote.export(argument!, format)
        : await withStore(dataDir, async (store) => {
            const { DocumentFormats } = await import('./export/formats.js')
            return (await exportFromStore(store, new DocumentFormats(), argument!, format))?.body
          })
      if (body === undefined) throw new UsageError(`there is no document ${argument}`)
      process.stdout.write(body.endsWith('\n') ? body : body + '\n')
      return
    }
    case 'compact': {
      const compacted = remote ? await remote.compact() : await withStore(dataDir, compactStore)
      say(`compacted ${compacted} documents`)
      return
    }
    default:
      throw new UsageError(`unknown command ${command}`)
  }
}

interface Listed {
  id: string
  title: string
  updatedAt: string
}

async function listStore(store: LevelStore): Promise<Listed[]> {
  const docs: Listed[] = []
  for await (const { id, title, updatedAt } of store.listDocs()) docs.push({ id, title, updatedAt })
  return docs
}

async function withStore<T>(dataDir: string, use: (store: LevelStore) => Promise<T>): Promise<T> {
  const store = new LevelStore(join(dataDir, 'db'), { syncWrites: true, log: createLogger('warn') })
  try {
    await store.open()
  } catch (error) {
    throw new BackupError(
      `cannot open the store in ${resolve(dataDir)} (${(error as Error).message}); if a server is running, pass --server <url> with ADMIN_TOKEN`,
    )
  }
  try {
    return await use(store)
  } finally {
    await store.close()
  }
}

/** A running server's admin routes. */
class Remote {
  readonly #base: string
  readonly #token: string

  constructor(url: string, token: string | undefined) {
    if (!URL.canParse(url)) throw new UsageError(`--server ${url} is not a URL`)
    if (!token) throw new UsageError('--server needs ADMIN_TOKEN in the environment')
    this.#base = new URL(url).origin
    this.#token = token
  }

  async #fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(this.#base + path, { ...init, headers: { authorization: `Bearer ${this.#token}` } })
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { message?: string }
      throw new BackupError(`the server answered ${response.status}: ${body.message ?? response.statusText}`)
    }
    return response
  }

  async backup(dir: string) {
    const response = await this.#fetch('/api/admin/backup')
    let linkSecret: string | null = null
    const records = async function* (): AsyncIterable<BackupRecord> {
      let buffered = ''
      for await (const chunk of response.body!.pipeThrough(new TextDecoderStream())) {
        buffered += chunk
        let newline
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = JSON.parse(buffered.slice(0, newline)) as BackupLine
          buffered = buffered.slice(newline + 1)
          if (line.kind === 'secret') linkSecret = line.linkSecret
          else yield { meta: line.meta as BackupRecord['meta'], state: new Uint8Array(Buffer.from(line.state, 'base64')) }
        }
      }
    }
    return writeBackup(dir, records(), () => linkSecret)
  }

  async list(): Promise<Listed[]> {
    return (await this.#fetch('/api/admin/docs')).json() as Promise<Listed[]>
  }

  async export(id: string, format: ExportFormat): Promise<string | undefined> {
    const response = await fetch(`${this.#base}/api/admin/docs/${id}/export?format=${format}`, { headers: { authorization: `Bearer ${this.#token}` } })
    if (response.status === 404) return undefined
    if (!response.ok) throw new BackupError(`the server answered ${response.status}`)
    return response.text()
  }

  async compact(): Promise<number> {
    return ((await (await this.#fetch('/api/admin/compact', { method: 'POST' })).json()) as { compacted: number }).compacted
  }
}

function say(message: string): void {
  process.stderr.write(message + '\n')
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`quire: ${error.message}\n`)
    process.exit(2)
  }
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`quire: ${(error as Error).message}\n\n${USAGE}\n`)
    process.exit(2)
  }
  process.stderr.write(`quire: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
