import fastifyWebsocket from '@fastify/websocket'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { CloseCode } from '@quire/shared'
import { LinkKeys } from './access/link-keys.js'
import type { Config } from './config.js'
import { Errors, QuireError } from './errors.js'
import { clientRoutes, CLIENT_DIST } from './http/client-routes.js'
import { collabRoute } from './http/collab-route.js'
import { docsRoutes } from './http/docs-routes.js'
import { healthRoutes } from './http/health-routes.js'
import type { DocStore } from './storage/doc-store.js'
import { Rooms } from './sync/rooms.js'
import { Sockets } from './sync/sockets.js'
import { WriteQueue } from './sync/write-queue.js'

export interface AppDeps {
  config: Config
  /** An open store; the caller closes it after the app. */
  store: DocStore
  linkSecret: Buffer
  logger: Logger
  /** Where the client's build is; defaults to the repository's `client/dist`. */
  clientRoot?: string
}

/** What the routes share: hung off the instance, so two apps in one process never mix. */
export interface QuireServices {
  config: Config
  store: DocStore
  keys: LinkKeys
  rooms: Rooms
  sockets: Sockets
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

/** Builds the server without listening: `main.ts` listens, tests use `inject` or port 0. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, store, logger } = deps
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    forceCloseConnections: true,
    return503OnClosing: true,
  })

  const writer = new WriteQueue(store, logger)
  const rooms = new Rooms({
    store,
    writer,
    unloadGraceMs: config.unloadGraceMs,
    log: logger,
    limits: {
      maxDocumentBytes: config.maxDocumentBytes,
      compactAfterUpdates: config.compactAfterUpdates,
      compactAfterBytes: config.compactAfterBytes,
      presence: {
        maxStateBytes: config.maxAwarenessStateBytes,
        maxDepth: config.maxAwarenessDepth,
        maxClientsPerPeer: config.maxAwarenessClientsPerSocket,
      },
    },
  })
  const sockets = new Sockets(config.maxSocketsPerAddress, config.pingIntervalMs)
  let draining = false
  app.decorate('quire', {
    config,
    store,
    keys: new LinkKeys(deps.linkSecret),
    rooms,
    sockets,
    get ready() {
      return !draining && store.healthy
    },
    drain() {
      draining = true
    },
  } satisfies QuireServices)

  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    if (error instanceof QuireError) return reply.code(error.statusCode).send(error.toJSON())
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
    sockets.closeAll(CloseCode.shuttingDown, 'the server is restarting')
    await rooms.shutdown()
  })
  app.addHook('onClose', async () => sockets.stop())

  await app.register(healthRoutes)
  await app.register(docsRoutes)
  await app.register(collabRoute)
  await app.register(clientRoutes, { root: deps.clientRoot ?? CLIENT_DIST })
  return app
}
