import type { FastifyInstance } from 'fastify'
import type { Registry } from 'prom-client'

/** `GET /metrics` in Prometheus' text format, on the main port or a port of its own. */
export function metricsRoute(app: FastifyInstance, registry: Registry): void {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(registry.contentType)
    return registry.metrics()
  })
}
