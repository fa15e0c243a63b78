import type { FastifyInstance, FastifyRequest } from 'fastify'
import type WebSocket from 'ws'
import { COLLAB_PATH, CloseCode } from '@quire/shared'
import { Connection } from '../sync/connection.js'
import type { Room } from '../sync/room.js'
import { authorize, requestKey, type Access } from './access.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** What the upgrade's key grants, decided before the socket opens. */
    access: Access | null
  }
}

/** The y-websocket endpoint: `/collab/:id?key=<key>`. */
export async function collabRoute(app: FastifyInstance): Promise<void> {
  const { store, keys, rooms, sockets, config } = app.quire
  const limits = { maxBufferedBytes: config.maxBufferedBytes, maxPendingFrames: config.maxPendingFrames }
  app.decorateRequest('access', null)

  app.get<{ Params: { id: string } }>(
    `${COLLAB_PATH}/:id`,
    {
      websocket: true,
      // Refused here, the upgrade answers with a plain HTTP status and never a 101.
      preValidation: async (request) => {
        request.access = await authorize(store, keys, request.params.id, requestKey(request))
      },
    },
    (socket: WebSocket, request: FastifyRequest) => {
      const { meta, role } = request.access!
      const log = request.log.child({ docId: meta.id, role })
      const connection = new Connection(socket, role, limits, log)
      let room: Room | undefined
      socket.on('close', () => {
        sockets.remove(connection)
        if (room) {
          room.leave(connection)
          rooms.release(room)
        }
      })
      if (!sockets.admit(connection, request.ip)) {
        connection.close(CloseCode.tooManySockets, 'too many connections from this address')
        return
      }
      rooms.acquire(meta.id).then(
        (acquired) => {
          if (!connection.isOpen) {
            rooms.release(acquired)
          } else if (acquired.peers.size >= config.maxSocketsPerDocument) {
            rooms.release(acquired)
            connection.close(CloseCode.tooManySockets, 'too many connections to this document')
          } else {
            room = acquired
            room.join(connection)
            connection.attach(room)
          }
        },
        (error: unknown) => {
          log.error({ err: error }, 'could not load the document')
          connection.close(CloseCode.storageFailure, 'the document could not be loaded; retrying')
        },
      )
    },
  )
}
