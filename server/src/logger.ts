import { pino, type DestinationStream, type Logger } from 'pino'

/** Replaces the value of every `key` query parameter, so no share key reaches a log line. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]key=)[^&#]*/gi, '$1[redacted]')
}

/** What the server's modules need of a logger; Fastify's request loggers are one too. */
export interface Log {
  fatal: Logger['fatal']
  error: Logger['error']
  warn: Logger['warn']
  info: Logger['info']
  debug: Logger['debug']
  trace: Logger['trace']
  child(bindings: Record<string, unknown>): Log
}

interface LoggedRequest {
  method?: string
  url?: string
  ip?: string
  headers?: Record<string, unknown>
}

/**
 * The server's logger: Fastify's request fields, with the `key` parameter and the
 * Authorization header never written.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.key', 'key'], censor: '[redacted]' },
      serializers: {
        req: (req: LoggedRequest) => ({
          method: req.method,
          url: req.url === undefined ? undefined : redactUrl(req.url),
          remoteAddress: req.ip,
        }),
        err: pino.stdSerializers.err,
        res: (reply: { statusCode?: number }) => ({ statusCode: reply.statusCode }),
      },
    },
    destination,
  )
}
