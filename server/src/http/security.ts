import helmet from 'helmet'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Counts } from '../access/counts.js'
import { Errors } from '../errors.js'
import { rateStoreOver } from './rate-store.js'

/**
 * Headers on every HTTP answer (a policy the editor page works under, no framing, no referrer
 * so a link's key cannot leak) and the per-address rate limits that routes opt into.
 */
export const security = fp(async (app: FastifyInstance, options: { sharedCounts?: Counts }) => {
  const { publicUrl } = app.quire.config
  // Built once: the Fastify plugin builds helmet's middleware again for every request.
  const applyHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // ProseMirror and the collaboration carets set style attributes.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // Only a server that knows it is behind TLS may ask browsers to upgrade: on a
        // plain-HTTP host name the upgrade leaves a blank page.
        upgradeInsecureRequests: publicUrl?.startsWith('https:') ? [] : null,
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    hsts: publicUrl?.startsWith('https:') ? undefined : false,
  })
  app.addHook('onRequest', (request, reply, done) => {
    // A socket's upgrade is answered by ws, which writes its own 101 and never these headers.
    if (request.ws) return done()
    applyHeaders(request.raw, reply.raw, (error) => done(error instanceof Error ? error : undefined))
  })
  await app.register(rateLimit, {
    global: false,
    // In the cluster mode the counts every instance shares; otherwise the plugin's own, in memory.
    ...(options.sharedCounts && { store: rateStoreOver(options.sharedCounts) }),
    errorResponseBuilder: (_request, context) => Errors.rateLimited(`Too many requests; try again in ${Math.ceil(context.ttl / 1000)} s.`),
  })
})
