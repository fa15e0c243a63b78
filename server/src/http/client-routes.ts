import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'

/** The client's build, next to this package in the repository and in the image. */
export const CLIENT_DIST = fileURLToPath(new URL('../../../client/dist', import.meta.url))

/** Serves the editor: its files, and its page at `/` and `/d/:id`. */
export async function clientRoutes(app: FastifyInstance, options: { root: string }): Promise<void> {
  const { root } = options
  if (!existsSync(join(root, 'index.html'))) {
    app.log.warn({ root }, 'the client is not built (npm run build); serving the API only')
    return
  }
  await app.register(fastifyStatic, {
    root,
    index: 'index.html',
    setHeaders: (reply, path) => {
      // Vite names assets by content hash; the page itself must always be fresh.
      const hashed = path.includes(`${join(root, 'assets')}`)
      reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache')
    },
  })
  app.get('/d/:id', (_request, reply) => reply.sendFile('index.html'))
}
