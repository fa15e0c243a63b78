import fastifyWebsocket from '@fastify/websocket'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { CloseCode, COLLAB_PATH } from '@quire/shared'
import { AttemptLimiter } from './access/attempt-limiter.js'
import { FallbackCounts, MemoryCounts, type Counts } from './access/counts.js'
import { LinkKeys } from './access/link-keys.js'
import { generatedSecretHex } from './access/secret.js'
import type { Bus } from './bus/bus.js'
import type { Config } from './config.js'
import { Errors, QuireError } from './errors.js'
import { ImportError } from './export/import-error.js'
import { Authorizer } from './http/access.js'
import { adminRoutes } from './http/admin-routes.js'
import { clientRoutes, CLIENT_DIST } from './http/client-routes.js'
import { collabRoute } from './http/collab-route.js'
import { commentsRoutes } from './http/comments-routes.js'
import { docsRoutes } from './http/docs-routes.js'
import { healthRoutes } from './http/health-routes.js'
import { metricsRoute } from './http/metrics-route.js'
import { openapi } from './http/openapi.js'
import { RequestLogs } from './http/request-logs.js'
import { security } from './http/security.js'
import { filesRoutes } from './http/files-routes.js'
import { versionsRoutes } from './http/versions-routes.js'
import { Metrics } from './metrics.js'
import { StoreUnavailableError, type DocStore } from './storage/doc-store.js'
import { Cluster } from './sync/cluster.js'
import type { SyncEvents } from './sync/events.js'
import { Rooms } from './sync/rooms.js'
import { Sockets } from './sync/sockets.js'
import { WriteQueue } from './sync/write-queue.js'
import { VersionLimitError } from './versions/version-keeper.js'
import { DocumentWork } from './workers/document-work.js'
import { TaskCrashedError, TaskQueueFullError, TaskTimeoutError } from './workers/task-pool.js'

export interface AppDeps {
  config: Config
  /** An open store; the caller closes it after the app. */
  store: DocStore
  linkSecret: Buffer
  logger: Logger
  /** Where the client's build is; defaults to the repository's `client/dist`. */
  clientRoot?: string
  /** The cluster mode: the bus to the other instances (the caller closes it after the app)… */
  bus?: Bus
  /** …and the counters they share, for rate limits. */
  sharedCounts?: Counts
}

/** What the routes share: hung off the instance, so two apps in one process never mix. */
export interface QuireServices {
  config: Config
  store: DocStore
  keys: LinkKeys
  authorizer: Authorizer
  /** Imports, exports, comparisons and restores, on worker threads within their budgets. */
  work: DocumentWork
  rooms: Rooms
  sockets: Sockets
  /** Undefined when METRICS_ENABLED is off. */
  metrics: Metrics | undefined
  events: SyncEvents
  /** Ready while the store takes writes and the server is not draining. */
  readonly ready: boolean
  /** Turns readiness off ahead of a shutdown. */
  drain(): void
}

declare module 'fastify' {
  interface FastifyInstance {
    quire: QuireServices
  }
}

/** What a worker thread may take of the heap: a task past it fails alone, not the process. */
const WORKER_HEAP_MB = 1024
/** How long a worker thread with nothing to do stays: an idle server holds none. */
const WORKER_IDLE_MS = 30_000

/** Builds the server without listening: `main.ts` listens, tests use `inject` or port 0. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, store, logger } = deps
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new RequestLogs(),
    forceCloseConnections: true,
    return503OnClosing: true,
    bodyLimit: config.maxBodyBytes,
    // Strict bodies: a wrong type or an unknown field is a 400, never silently fixed.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    trustProxy: trustedHops(config.trustProxy),
    // Upgrades and requests that never finish (slowloris) are dropped, checked every second.
    requestTimeout: config.requestTimeoutMs,
    http: {
      headersTimeout: Math.min(config.headersTimeoutMs, config.requestTimeoutMs),
      connectionsCheckingInterval: 1_000,
    },
  })

  // The gauges read rooms and sockets when scraped, after both exist.
  const metrics = config.metricsEnabled
    ? new Metrics({ openRooms: () => rooms.size, openSocketsByRole: () => sockets.countByRole(), storeConnections: () => store.connections })
    : undefined
  if (metrics) store.observe?.(metrics)
  const events: SyncEvents = metrics ?? {}
  const writer = new WriteQueue(store, logger, events)
  const cluster =
    deps.bus &&
    new Cluster({
      bus: deps.bus,
      store,
      log: logger,
      events,
      headCheckMs: config.headCheckMs,
      pollMs: config.busDownPollMs,
      presenceTtlMs: config.instanceTtlMs,
    })
  const rooms = new Rooms({
    cluster,
    store,
    writer,
    unloadGraceMs: config.unloadGraceMs,
    log: logger,
    events,
    versions: {
      afterIdleMs: config.versionAfterIdleMs,
      everyMs: config.versionEveryMs,
      retention: {
        keepAllForMs: config.versionsKeepAllHours * 3600_000,
        keepHourlyForMs: config.versionsKeepHourlyDays * 24 * 3600_000,
        // 0 days: a version a day is kept forever.
        keepDailyForMs: config.versionsKeepDailyDays === 0 ? Infinity : config.versionsKeepDailyDays * 24 * 3600_000,
      },
      maxKept: config.maxNamedVersions,
    },
    limits: {
      maxPeersPerRoom: config.maxSocketsPerDocument,
      maxDocumentBytes: config.maxDocumentBytes,
      maxNestingDepth: config.maxNestingDepth,
      maxClientIdsPerPeer: config.maxClientIdsPerSocket,
      compactAfterUpdates: config.compactAfterUpdates,
      compactAfterBytes: config.compactAfterBytes,
      presence: {
        maxStateBytes: config.maxAwarenessStateBytes,
        maxDepth: config.maxAwarenessDepth,
        maxClientsPerPeer: config.maxClientIdsPerSocket,
      },
    },
  })
  const sockets = new Sockets(config.maxSocketsPerAddress, config.pingIntervalMs)
  let draining = false
  const keys = new LinkKeys(deps.linkSecret)
  const counts = deps.sharedCounts ? new FallbackCounts(deps.sharedCounts) : new MemoryCounts()
  const work = new DocumentWork({
    threads: config.taskThreads,
    maxQueued: config.maxQueuedTasks,
    timeoutMs: config.taskTimeoutMs,
    idleMs: WORKER_IDLE_MS,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  })
  app.decorate('quire', {
    config,
    store,
    keys,
    authorizer: new Authorizer(store, keys, new AttemptLimiter(config.failedKeyChecksPerMinute, counts)),
    work,
    rooms,
    sockets,
    metrics,
    events,
    get ready() {
      return !draining && store.healthy
    },
    drain() {
      draining = true
    },
  } satisfies QuireServices)

  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown; validationContext?: string }, request, reply) => {
    const known = error instanceof QuireError ? error : asQuireError(error, config.taskTimeoutMs)
    if (known) return reply.code(known.statusCode).headers(known.headers).send(known.toJSON())
    if (error.validation && error.validationContext === 'params') return reply.code(400).send(badParam(error.validation).toJSON())
    if (error.validation) return reply.code(400).send(Errors.badRequest(error.message).toJSON())
    if (error.statusCode === 413) return reply.code(413).send(Errors.tooLarge().toJSON())
    if (error.statusCode === 415) return reply.code(415).send(Errors.unsupportedMedia().toJSON())
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send(Errors.badRequest(error.message).toJSON())
    }
    request.log.error({ err: error }, 'request failed')
    return reply.code(500).send(Errors.internal().toJSON())
  })
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(Errors.routeNotFound().toJSON()))

  await app.register(fastifyWebsocket, {
    options: { maxPayload: config.maxMessageBytes },
    // ws closes the socket itself with the right code (1009, 1002); destroying it here
    // would turn that close into a reset the client cannot read.
    errorHandler: (error, _socket, request) => request.log.debug({ err: error }, 'socket error'),
    // Sockets close with 1001 in the preClose hook below.
    preClose: (done) => done(),
  })
  // Before the listener closes: every socket hears 1001, then every room is written down.
  app.addHook('preClose', async () => {
    draining = true
    sockets.drain(CloseCode.shuttingDown)
    await rooms.shutdown()
  })
  if (cluster) {
    app.addHook('onReady', () => cluster.start(rooms))
    // After preClose: the last writes of the rooms went on the bus.
    app.addHook('onClose', () => cluster.stop())
  }
  app.addHook('onClose', async () => {
    sockets.stop()
    await work.close()
  })

  // An upgrade on a path that is no socket's is refused before any 101: the WebSocket plugin
  // would upgrade it, close it and log its whole URL.
  app.addHook('onRequest', async (request) => {
    if (request.ws && request.routeOptions.url !== `${COLLAB_PATH}/:id`) throw Errors.routeNotFound()
  })
  app.decorateRequest('access', null)
  await app.register(security, { sharedCounts: deps.sharedCounts })
  await app.register(openapi)
  await app.register(healthRoutes)
  if (metrics && config.metricsPort === undefined) metricsRoute(app, metrics.registry)
  await app.register(docsRoutes)
  await app.register(versionsRoutes)
  await app.register(commentsRoutes)
  await app.register(filesRoutes)
  await app.register(collabRoute)
  if (config.adminToken) {
    const linkSecret = generatedSecretHex(deps.linkSecret, config.linkSecret)
    await app.register(adminRoutes, { token: config.adminToken, linkSecret })
  }
  await app.register(clientRoutes, { root: deps.clientRoot ?? CLIENT_DIST })
  return app
}

/** The errors of heavy work, as the answers the contract gives them. */
function asQuireError(error: Error, taskTimeoutMs: number): QuireError | undefined {
  if (error instanceof ImportError) return Errors.badRequest(`${error.message}.`)
  if (error instanceof TaskTimeoutError) {
    return Errors.tooComplex(`This would take longer than ${taskTimeoutMs / 1000} s of work, so it was stopped: the content may be too large or too complex.`)
  }
  if (error instanceof TaskCrashedError) return Errors.tooComplex('This needs more memory than the server gives one task, so it was stopped.')
  if (error instanceof TaskQueueFullError) return Errors.busy().withHeaders({ 'retry-after': '5' })
  if (error instanceof StoreUnavailableError)
    return Errors.notReady('The store is unavailable right now; try again in a few seconds.').withHeaders({ 'retry-after': '2' })
  if (error instanceof VersionLimitError)
    return Errors.tooManyVersions(`This document keeps ${error.kept} named versions and restores, the most it may; the owner can delete some.`)
  return undefined
}

/** The error that names the path parameter a request got wrong. */
function badParam(validation: unknown): QuireError {
  const [first] = Array.isArray(validation) ? (validation as { instancePath?: string; params?: { missingProperty?: string } }[]) : []
  const name = first?.instancePath?.replace(/^\//, '') || first?.params?.missingProperty
  return name === 'v' ? Errors.badVersion() : Errors.badDocId()
}

/**
 * TRUST_PROXY as Fastify takes it. A count trusts that many hops nearest the server (the
 * socket's peer first), so the client address is the entry the farthest proxy appended, never
 * one a client wrote; Fastify's own number option trusts no hop at all.
 */
function trustedHops(trust: Config['trustProxy']): false | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust
}
