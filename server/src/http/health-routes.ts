import type { FastifyInstance } from 'fastify'
import { Errors } from '../errors.js'

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }))

  app.get('/readyz', async (_request, reply) => {
    if (app.quire.ready) return { status: 'ready' }
    reply.code(503)
    return Errors.notReady().toJSON()
  })
}
