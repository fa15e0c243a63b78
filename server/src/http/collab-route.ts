import type { ServerResponse } from 'node:http'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type WebSocket from 'ws'
import { COLLAB_PATH, CloseCode } from '@quire/shared'
import { Errors } from '../errors.js'
import type { SocketAccess } from './access.js'
import { Connection } from '../sync/connection.js'
import type { Room } from '../sync/room.js'
import { REFUSAL_CLOSE } from '../sync/admission.js'

/**
 * Whether a browser page of `origin` may open a socket: requests without an Origin (not a
 * browser), the server's own host, PUBLIC_URL and the configured allow-list. Stops other
 * sites from opening sockets with a visitor's link (cross-site WebSocket hijacking).
 */
export function isAllowedOrigin(request: FastifyRequest, allowed: readonly string[]): boolean {
  const origin = request.headers.origin
  if (origin === undefined) return true
  if (allowed.includes(origin)) return true
  return URL.canParse(origin) && new URL(origin).host === request.host
}

/** The y-websocket endpoint: `/collab/:id?key=<key>`. */
export async function collabRoute(app: FastifyInstance): Promise<void> {
  const { authorizer, rooms, sockets, config, events } = app.quire
  const limits = {
    maxBufferedBytes: config.maxBufferedBytes,
    maxPendingFrames: config.maxPendingFrames,
    maxAwarenessPerSecond: config.maxAwarenessPerSecond,
    maxSyncRequestsPerSecond: config.maxSyncRequestsPerSecond,
  }
  const allowedOrigins = [...config.allowedOrigins, ...(config.publicUrl ? [config.publicUrl] : [])]
  const upgradeResponses = new WeakMap<FastifyRequest, ServerResponse>()
  const socketAccess = new WeakMap<FastifyRequest, SocketAccess>()

  app.get<{ Params: { id: string } }>(
    `${COLLAB_PATH}/:id`,
    {
      websocket: true,
      // Refused here, the upgrade answers with a plain HTTP status and never a 101.
      preValidation: async (request, reply) => {
        if (!isAllowedOrigin(request, allowedOrigins)) throw Errors.originRefused()
        socketAccess.set(request, await authorizer.checkSocket(request, request.params.id, (id) => rooms.heldEpoch(id)))
        upgradeResponses.set(request, reply.raw)
      },
    },
    (socket: WebSocket, request: FastifyRequest) => {
      const { id, epoch, role } = socketAccess.get(request)!
      const context = { docId: id, role }
      // The HTTP response the upgrade began as stays tied to the TCP socket, and through it the
      // request and Fastify's objects: let go of them, ws owns the socket now.
      const response = upgradeResponses.get(request)
      if (response?.socket) response.detachSocket(response.socket)
      // The plugin's error listener holds the upgrade's request and reply for the socket's
      // whole life; one that holds nothing does the same job (ws closes with the right code).
      socket.removeAllListeners('error')
      socket.on('error', (error) => app.log.debug({ ...context, err: error }, 'socket error'))
      // Edit and view keys carry the link epoch: every write checks it, so a rotation stops them.
      const connection = new Connection(socket, { role, epoch: role === 'owner' ? undefined : epoch }, limits, app.log, context)
      let room: Room | undefined
      socket.on('close', () => {
        events.socketClosed?.(connection.closeCode)
        sockets.remove(connection)
        if (room) rooms.leave(room, connection)
      })
      // An upgrade that completes after the drain began would miss the 1001 the others got
      // and join a room that is being written down.
      if (sockets.draining) {
        connection.close(CloseCode.shuttingDown)
        return
      }
      if (!sockets.admit(connection, request.ip)) {
        connection.close(CloseCode.tooManySockets, 'Too many connections from this address.')
        return
      }
      void rooms.join(id, connection, epoch).then((joined) => {
        if (typeof joined !== 'string') {
          room = joined
          connection.attach(room)
        } else if (joined !== 'left') {
          connection.close(REFUSAL_CLOSE[joined])
        }
      })
    },
  )
}
