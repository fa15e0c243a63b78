import type { FastifyInstance } from 'fastify'
import { Errors } from '../errors.js'
import { apiError } from './schemas.js'

const status = { type: 'object', required: ['status'], properties: { status: { type: 'string' } } } as const

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', { schema: { summary: 'Liveness: 200 while the process serves', tags: ['health'], response: { 200: status } } }, async () => ({
    status: 'ok',
  }))

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: 200 while the store takes writes, 503 while starting, draining or recovering',
        tags: ['health'],
        response: { 200: status, 503: apiError },
      },
    },
    async (_request, reply) => {
      if (app.quire.ready) return { status: 'ready' }
      reply.code(503)
      return Errors.notReady().toJSON()
    },
  )
}
