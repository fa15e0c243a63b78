/**
 * `quire`, the operator's command: back up, restore, list, export and compact documents. It
 * opens the configured store itself (STORE, DATA_DIR or DATABASE_URL), or, given `--server
 * <url>` and ADMIN_TOKEN, asks a running server (a LevelDB store is locked to its server; a
 * PostgreSQL one is not). Like main.ts, it is an entry point and may touch the process.
 */
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { EXPORT_FORMATS, isDocId, type ExportFormat } from '@quire/shared'
import { generatedSecretHex, loadLinkSecret, restoreLinkSecret, secretHomeOf } from './access/secret.js'
import { BackupError, backupItems, countDocuments, writeBackup } from './admin/backup.js'
import { showProgress, type Progress } from './admin/progress.js'
import { Remote, type Listed } from './admin/remote.js'
import { readManifest, restoreBackup } from './admin/restore.js'
import { compactStore, exportFromStore } from './admin/store-tasks.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { createLogger } from './logger.js'
import type { DocStore } from './storage/doc-store.js'
import { createStore } from './storage/open-store.js'
import { foldStored } from './sync/doc-fields.js'

const USAGE = `Usage: quire <command> [options]

Commands:
  backup <dir>              write every document and its versions to a new directory <dir>
  restore <dir>             bring a backup back into an empty store (of either kind)
  list                      list the documents
  export <id>               print a document (--format markdown|html|json|text|docx)
  compact                   fold every document's log into its base; remove unreferenced images

Options:
  --server <url>            work through a running server (needs ADMIN_TOKEN)
  --format <format>         the export format (default: markdown)
  -h, --help                show this help

Environment: the server's own settings: STORE, DATA_DIR (default ./data), DATABASE_URL,
ADMIN_TOKEN, LINK_SECRET. Moving from LevelDB to PostgreSQL: back up with STORE=leveldb,
restore with STORE=postgres.`

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
  if (command === 'restore' && values.server !== undefined) throw new UsageError('restore works on the store itself: run it without --server')

  // The server's own validated settings: a bad value stops here, named.
  const config = loadConfig(process.env)
  const remote = values.server === undefined ? undefined : remoteOf(values.server, config.adminToken)
  const started = performance.now()
  const took = () => `in ${((performance.now() - started) / 1000).toFixed(1)} s`
  switch (command) {
    case 'backup': {
      const dir = resolve(argument!)
      let progress: Progress | undefined
      const onDocument = () => progress?.tick()
      const manifest = remote
        ? await remote.backup(dir, (documents) => (progress = showProgress('backup', documents)), onDocument)
        : await withStore(config, async (store) => {
            const secret = generatedSecretHex(await loadLinkSecret(secretHomeOf(store, config.dataDir), config.linkSecret), config.linkSecret)
            progress = showProgress('backup', await countDocuments(store))
            return writeBackup(
              dir,
              backupItems(store, async (stored) => foldStored(stored)),
              () => secret,
              onDocument,
            )
          })
      progress?.stop()
      say(`backed up ${manifest.documents} documents and ${manifest.versions} versions (${filesOf(manifest)}) to ${dir} ${took()}`)
      return
    }
    case 'restore': {
      const dir = resolve(argument!)
      const manifest = await readManifest(dir)
      const progress = showProgress('restore', manifest.documents)
      const restored = await withStore(config, async (store) => {
        const count = await restoreBackup(store, dir, () => progress.tick())
        if (manifest.linkSecret) await restoreLinkSecret(secretHomeOf(store, config.dataDir), manifest.linkSecret)
        return count
      })
      progress.stop()
      if (!manifest.linkSecret) say('the backup holds no link secret (it was configured): start the server with the same LINK_SECRET')
      say(`restored ${restored} documents and ${manifest.versions} versions (${filesOf(manifest)}) into ${storeName(config)} ${took()}`)
      return
    }
    case 'list': {
      const docs = remote ? await remote.list() : await withStore(config, listStore)
      for (const doc of docs) process.stdout.write(`${doc.id}\t${doc.updatedAt}\t${doc.title}\n`)
      return
    }
    case 'export': {
      const body = remote
        ? await remote.export(argument!, format)
        : await withStore(config, async (store) => {
            const { DocumentFormats } = await import('./export/formats.js')
            return (await exportFromStore(store, new DocumentFormats(), argument!, format))?.body
          })
      if (body === undefined) throw new UsageError(`there is no document ${argument}`)
      // A Word file goes out as its bytes; text ends with a newline.
      process.stdout.write(typeof body !== 'string' || body.endsWith('\n') ? body : body + '\n')
      return
    }
    case 'compact': {
      const compacted = remote
        ? await remote.compact()
        : await withStore(config, async (store) => {
            const progress = showProgress('compact', await countDocuments(store))
            const count = await compactStore(store, () => progress.tick(), config.fileGcGraceMs)
            progress.stop()
            return count
          })
      say(`compacted ${compacted} documents ${took()}`)
      return
    }
    default:
      throw new UsageError(`unknown command ${command}`)
  }
}

function remoteOf(url: string, token: string | undefined): Remote {
  if (!URL.canParse(url)) throw new UsageError(`--server ${url} is not a URL`)
  if (!token) throw new UsageError('--server needs ADMIN_TOKEN in the environment')
  return new Remote(url, token)
}

async function listStore(store: DocStore): Promise<Listed[]> {
  const docs: Listed[] = []
  for await (const { id, title, updatedAt } of store.listDocs()) docs.push({ id, title, updatedAt })
  return docs
}

function storeName(config: Config): string {
  return config.store === 'postgres' ? 'the PostgreSQL database' : resolve(config.dataDir)
}

/** Runs `use` on the configured store, opened for the command alone (and migrated, for PostgreSQL). */
async function withStore<T>(config: Config, use: (store: DocStore) => Promise<T>): Promise<T> {
  // Every batch of the command reaches the disk before it says it is done.
  const store = await createStore({ ...config, syncWrites: true }, createLogger('warn'))
  try {
    await store.open()
  } catch (error) {
    const hint = config.store === 'leveldb' ? '; if a server is running, pass --server <url> with ADMIN_TOKEN' : ''
    throw new BackupError(`cannot open ${storeName(config)} (${(error as Error).message})${hint}`)
  }
  try {
    return await use(store)
  } finally {
    await store.close()
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

/** How many image files a backup holds, in words. */
function filesOf({ files }: { files: number }): string {
  return files === 1 ? 'with 1 image' : `with ${files} images`
}
