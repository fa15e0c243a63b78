import swagger from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** Collects the routes' schemas into an OpenAPI description; register before the routes. */
export const openapi = fp(async (app: FastifyInstance) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Quire',
        version: '1',
        description:
          'Documents, exports, share links, versions and comments. Keys travel as `Authorization: Bearer <key>` or `?key=<key>`. The live document is a y-websocket channel at `/collab/{id}?key=<key>`.',
      },
      components: { securitySchemes: { key: { type: 'http', scheme: 'bearer', description: 'A share key' } } },
    },
    hideUntagged: true,
  })
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger())
})
