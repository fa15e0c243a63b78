/**
 * The only place that touches the process: configuration → store → app → listen, and the
 * signals that end it.
 */
import { join } from 'node:path'
import { loadLinkSecret } from './access/secret.js'
import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { createLogger } from './logger.js'
import { LevelStore } from './storage/level-store.js'

async function main(): Promise<void> {
  let config
  try {
    config = loadConfig(process.env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    createLogger('fatal').fatal(error.message)
    process.exit(1)
  }
  const logger = createLogger(config.logLevel)
  const linkSecret = await loadLinkSecret(config.dataDir, config.linkSecret)
  const store = new LevelStore(join(config.dataDir, 'db'), { syncWrites: config.syncWrites, log: logger })
  await store.open()
  const app = await buildApp({ config, store, linkSecret, logger })
  await app.listen({ port: config.port, host: config.host })

  let stopping = false
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    app.quire.drain()
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown took too long; exiting')
      process.exit(1)
    }, config.shutdownTimeoutMs)
    try {
      await app.close()
      await store.close()
      clearTimeout(deadline)
      logger.info('stopped')
      process.exit(0)
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed')
      process.exit(1)
    }
  }
  process.on('SIGTERM', (signal) => void stop(signal))
  process.on('SIGINT', (signal) => void stop(signal))
}

main().catch((error: unknown) => {
  createLogger('fatal').fatal({ err: error }, 'the server could not start')
  process.exit(1)
})
