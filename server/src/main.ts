/**
 * The only place that touches the process: configuration → store → app → listen, and the
 * signals that end it.
 */
// First: it holds the young generation at its first size while the rest loads.
import { youngGenerationGrows } from './young-generation.js'
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { loadLinkSecret, secretHomeOf } from './access/secret.js'
import Fastify, { type FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { metricsRoute } from './http/metrics-route.js'
import { RequestLogs } from './http/request-logs.js'
import { createLogger, logDestination } from './logger.js'
import { StoreLockedError } from './storage/doc-store.js'
import { createStore } from './storage/open-store.js'

async function main(): Promise<void> {
  let config
  try {
    config = loadConfig(process.env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    createLogger('fatal', logDestination('auto')).fatal(error.message)
    process.exit(1)
  }
  const logger = createLogger(config.logLevel, logDestination(config.logFormat))
  try {
    await start(config, logger)
  } catch (error) {
    const sentence = startFailure(error, config)
    if (!sentence) throw error
    logger.fatal(sentence)
    process.exit(1)
  }
}

/** Says in one sentence, with what to do, why the server could not start, when it is a known reason. */
function startFailure(error: unknown, config: Config): string | undefined {
  if (error instanceof StoreLockedError) {
    return `Another Quire server is using the data folder ${config.dataDir} (LevelDB lets one process open it): stop that server, or set DATA_DIR to another folder.`
  }
  const { code, port = config.port } = error as NodeJS.ErrnoException & { port?: number }
  const variable = port === config.metricsPort ? 'METRICS_PORT' : 'PORT'
  if (code === 'EADDRINUSE') return `Port ${port} on ${config.host} is already in use: stop the program that holds it, or set ${variable} to a free port.`
  if (code === 'EACCES') return `Port ${port} on ${config.host} needs privileges this process lacks: set ${variable} to a port above 1023.`
  if (code === 'EADDRNOTAVAIL') return `${config.host} is not an address of this machine: set HOST to one of its addresses, or 0.0.0.0 for all.`
  return undefined
}

async function start(config: Config, logger: ReturnType<typeof createLogger>): Promise<void> {
  const store = await createStore(config, logger)
  await store.open()
  // A store that several servers share keeps the generated secret; LevelDB's is a file beside it.
  const linkSecret = await loadLinkSecret(secretHomeOf(store, config.dataDir), config.linkSecret)
  const bus = config.redisUrl ? await openBus(config.redisUrl, logger) : undefined
  if (bus) logger.info({ instance: bus.instance }, 'cluster mode: relaying through Redis, the log in PostgreSQL')
  const app = await buildApp({ config, store, linkSecret, logger, bus, sharedCounts: bus })
  await app.listen({ port: config.port, host: config.host })
  const metricsApp = await listenForMetrics(app, config)
  youngGenerationGrows()

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
      await metricsApp?.close()
      await app.close()
      await bus?.close()
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

/**
 * The cluster mode: a name no other instance has, on a bus they all share. The Redis client is
 * loaded only then, so that a single server at rest does not carry it.
 */
async function openBus(url: string, logger: ReturnType<typeof createLogger>) {
  const { RedisBus } = await import('./bus/redis-bus.js')
  return new RedisBus({ url, instance: `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`, log: logger })
}

/** Metrics on a port of their own, when METRICS_PORT asks for one. */
async function listenForMetrics(app: FastifyInstance, config: Config): Promise<FastifyInstance | undefined> {
  const { metrics } = app.quire
  if (!metrics || config.metricsPort === undefined) return undefined
  const metricsApp = Fastify({ loggerInstance: app.log, logController: new RequestLogs() })
  metricsRoute(metricsApp, metrics.registry)
  await metricsApp.listen({ port: config.metricsPort, host: config.host })
  return metricsApp
}

main().catch((error: unknown) => {
  createLogger('fatal', logDestination('auto')).fatal({ err: error }, 'the server could not start')
  process.exit(1)
})
