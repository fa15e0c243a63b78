import { LogController, type FastifyReply, type FastifyRequest } from 'fastify'

/**
 * A line per request at info, except for reads of the editor's files and pages and of the
 * health and metrics probes: those come by the hundred and by the minute, so they go at debug
 * (LOG_LEVEL=debug shows them). API calls and socket upgrades stay at info.
 */
export class RequestLogs extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (isQuiet(request)) request.log.debug({ req: request }, 'incoming request')
    else request.log.info({ req: request }, 'incoming request')
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) reply.log.error({ res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored')
    else if (isQuiet(request)) reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed')
    else reply.log.info({ res: reply, responseTime: reply.elapsedTime }, 'request completed')
  }
}

function isQuiet(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false
  return !request.url.startsWith('/api/') && !request.url.startsWith('/collab/')
}
