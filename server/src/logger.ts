import { pino, type DestinationStream, type Logger } from 'pino'
import pinoPretty from 'pino-pretty'

/**
 * Replaces the value of every `key` query parameter, so no share key reaches a log line. The
 * names are compared as the query parser reads them (`?%6Bey=` is a key too).
 */
export function redactUrl(url: string): string {
  const query = url.indexOf('?')
  if (query < 0) return url
  const parameters = url
    .slice(query + 1)
    .split('&')
    .map((parameter) => {
      const equals = parameter.indexOf('=')
      const name = equals < 0 ? parameter : parameter.slice(0, equals)
      return isKeyName(name) ? `${name}=[redacted]` : parameter
    })
  return `${url.slice(0, query)}?${parameters.join('&')}`
}

function isKeyName(raw: string): boolean {
  let name = raw.replace(/\+/g, ' ')
  try {
    name = decodeURIComponent(name)
  } catch {
    // Left as it is: the query parser cannot read it as `key` either.
  }
  return name.trim().toLowerCase() === 'key'
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

/** How log lines are written: readable ones for a person at a terminal, JSON for machines. */
export type LogFormat = 'auto' | 'pretty' | 'json'

/** Where the lines go: stdout as JSON, or through pino-pretty (`auto`: when stdout is a terminal). */
export function logDestination(format: LogFormat, isTerminal = process.stdout.isTTY === true): DestinationStream | undefined {
  if (format === 'json' || (format === 'auto' && !isTerminal)) return undefined
  return pinoPretty({ colorize: isTerminal, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', sync: true })
}
