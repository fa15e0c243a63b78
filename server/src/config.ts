import { isIP } from 'node:net'
import { z } from 'zod'

const KiB = 1024
const MiB = 1024 * KiB

/** An unset or empty variable takes the default. */
function env<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema)
}

function wholeNumber(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, { message: `expected a whole number between ${min} and ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { message: `expected at least ${min}` })
        .max(max, { message: `expected at most ${max}` }),
    )
}

function integer(min: number, max: number, fallback: number) {
  return env(wholeNumber(min, max).default(fallback))
}

function boolean(fallback: boolean) {
  return env(
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
        message: 'expected true or false',
      })
      .transform((value) => ['true', '1', 'yes', 'on'].includes(value))
      .default(fallback),
  )
}

const origin = z
  .string()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    message: 'expected an absolute http or https URL',
  })
  .transform((value) => new URL(value).origin)

/** Names proxy-addr knows for whole ranges of addresses. */
const ADDRESS_RANGES = ['loopback', 'linklocal', 'uniquelocal']

/** An address or a CIDR range (`10.0.0.0/8`, `fd00::/8`), or one of ADDRESS_RANGES. */
function isAddressOrRange(value: string): boolean {
  if (ADDRESS_RANGES.includes(value)) return true
  const [address = '', prefix, ...rest] = value.split('/')
  const family = isIP(address)
  if (family === 0 || rest.length > 0) return false
  return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))
}

/**
 * Which hops' X-Forwarded-For to believe: none (false), the nearest n (a count; `true` is 1),
 * or those of the proxies at these addresses. Never the leftmost entry: a client writes that.
 */
const trustProxy = env(
  z
    .string()
    .transform((value, context): false | number | string[] => {
      const text = value.trim().toLowerCase()
      if (['false', 'no', 'off', '0'].includes(text)) return false
      if (['true', 'yes', 'on'].includes(text)) return 1
      if (/^\d+$/.test(text)) {
        if (Number(text) <= 16) return Number(text)
        context.addIssue({ code: 'custom', message: 'expected at most 16 proxies' })
        return z.NEVER
      }
      const addresses = value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean)
      const bad = addresses.filter((entry) => !isAddressOrRange(entry))
      if (addresses.length > 0 && bad.length === 0) return addresses
      context.addIssue({
        code: 'custom',
        message: `expected false, the number of proxies in front (such as 1), or their addresses (such as 10.0.0.5,fd00::/8)${bad.length > 0 ? `; not an address: ${bad.join(', ')}` : ''}`,
      })
      return z.NEVER
    })
    .default(false),
)

const databaseUrl = z.string().refine((value) => URL.canParse(value) && /^postgres(ql)?:$/.test(new URL(value).protocol), {
  message: 'expected a postgres:// URL',
})

const redisUrl = z.string().refine((value) => URL.canParse(value) && /^rediss?:$/.test(new URL(value).protocol), {
  message: 'expected a redis:// or rediss:// URL',
})

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/**
 * Every setting, named after its environment variable. Units are in the names; the README's
 * configuration table lists the same variables with the same defaults.
 */
const schema = z.object({
  PORT: integer(0, 65535, 3000),
  HOST: env(z.string().min(1).default('127.0.0.1')),
  DATA_DIR: env(z.string().min(1).default('./data')),
  STORE: env(z.enum(['leveldb', 'postgres'], { message: 'expected leveldb or postgres' }).default('leveldb')),
  DATABASE_URL: env(databaseUrl.optional()),
  DATABASE_POOL_SIZE: integer(1, 1_000, 10),
  DATABASE_STATEMENT_TIMEOUT_MS: integer(100, 600_000, 10_000),
  REDIS_URL: env(redisUrl.optional()),
  HEAD_CHECK_MS: integer(100, 600_000, 1_000),
  BUS_DOWN_POLL_MS: integer(50, 600_000, 250),
  INSTANCE_TTL_MS: integer(1_000, 600_000, 5_000),
  PUBLIC_URL: env(origin.optional()),
  LOG_LEVEL: env(z.enum(LOG_LEVELS, { message: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info')),
  LOG_FORMAT: env(z.enum(['auto', 'pretty', 'json'], { message: 'expected auto, pretty or json' }).default('auto')),
  ADMIN_TOKEN: env(z.string().min(32, { message: 'expected at least 32 characters' }).max(1024).optional()),
  LINK_SECRET: env(z.string().min(32, { message: 'expected at least 32 characters' }).max(1024).optional()),
  CREATE_RATE_PER_MINUTE: integer(1, 1_000_000, 30),
  FAILED_KEY_CHECKS_PER_MINUTE: integer(1, 1_000_000, 30),
  ALLOWED_ORIGINS: env(
    z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      )
      .pipe(z.array(origin))
      .default([]),
  ),
  TRUST_PROXY: trustProxy,
  MAX_BODY_BYTES: integer(1 * KiB, 64 * MiB, 2 * MiB),
  SYNC_WRITES: boolean(false),
  UNLOAD_GRACE_MS: integer(0, 24 * 3600_000, 30_000),
  COMPACT_AFTER_UPDATES: integer(1, 10_000_000, 500),
  COMPACT_AFTER_BYTES: integer(1 * KiB, 1024 * MiB, 4 * MiB),
  MAX_MESSAGE_BYTES: integer(1 * KiB, 512 * MiB, 16 * MiB),
  MAX_DOCUMENT_BYTES: integer(1 * KiB, 2048 * MiB, 32 * MiB),
  MAX_FILE_BYTES: integer(1 * KiB, 1024 * MiB, 10 * MiB),
  MAX_FILE_BYTES_PER_DOCUMENT: integer(1 * KiB, 64 * 1024 * MiB, 200 * MiB),
  MAX_IMAGE_PIXELS: integer(1, 1_000_000_000, 50_000_000),
  FILE_GC_GRACE_MS: integer(0, 365 * 24 * 3600_000, 24 * 3600_000),
  MAX_BUFFERED_BYTES: integer(64 * KiB, 1024 * MiB, 16 * MiB),
  MAX_PENDING_FRAMES: integer(1, 100_000, 256),
  MAX_SOCKETS_PER_DOCUMENT: integer(1, 1_000_000, 1_000),
  MAX_SOCKETS_PER_ADDRESS: integer(1, 1_000_000, 1_000),
  MAX_AWARENESS_STATE_BYTES: integer(64, 1 * MiB, 8 * KiB),
  MAX_AWARENESS_DEPTH: integer(1, 1_000, 16),
  MAX_AWARENESS_PER_SECOND: integer(1, 100_000, 30),
  MAX_SYNC_REQUESTS_PER_SECOND: integer(1, 100_000, 10),
  MAX_CLIENT_IDS_PER_SOCKET: integer(1, 1_000, 4),
  MAX_NESTING_DEPTH: integer(4, 10_000, 128),
  PING_INTERVAL_MS: integer(1_000, 3600_000, 30_000),
  HEADERS_TIMEOUT_MS: integer(1_000, 600_000, 10_000),
  REQUEST_TIMEOUT_MS: integer(1_000, 3600_000, 30_000),
  SHUTDOWN_TIMEOUT_MS: integer(100, 600_000, 10_000),
  VERSION_AFTER_IDLE_MS: integer(1_000, 24 * 3600_000, 60_000),
  VERSION_EVERY_MS: integer(1_000, 24 * 3600_000, 600_000),
  VERSIONS_KEEP_ALL_HOURS: integer(0, 100_000, 24),
  VERSIONS_KEEP_HOURLY_DAYS: integer(0, 100_000, 30),
  VERSIONS_KEEP_DAILY_DAYS: integer(0, 100_000, 0),
  MAX_NAMED_VERSIONS: integer(1, 100_000, 100),
  VERSION_SAVES_PER_HOUR: integer(1, 100_000, 60),
  TASK_THREADS: integer(1, 64, 1),
  TASK_TIMEOUT_MS: integer(100, 600_000, 10_000),
  MAX_QUEUED_TASKS: integer(0, 10_000, 16),
  METRICS_ENABLED: boolean(true),
  METRICS_PORT: env(wholeNumber(1, 65535).optional()),
})

type Vars = z.output<typeof schema>

/** The name of every setting, as an environment variable. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape)

/** `MAX_MESSAGE_BYTES` → `maxMessageBytes` */
type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Lowercase<Head>}${Capitalize<CamelCase<Tail>>}` : Lowercase<S>

/** The validated settings, named in camelCase after their variables. */
export type Config = Readonly<{ [K in keyof Vars as CamelCase<K & string>]: Vars[K] }>

function camelCase(name: string): string {
  return name.toLowerCase().replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase())
}

/** Variables whose values never appear in an error message. */
const SECRET_VARS = new Set(['LINK_SECRET', 'ADMIN_TOKEN', 'DATABASE_URL', 'REDIS_URL'])

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Reads and validates the configuration; the error names every variable that is wrong. */
export function loadConfig(vars: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(vars)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0])
      const given = SECRET_VARS.has(name) ? undefined : vars[name]
      return `${name}: ${issue.message}${given === undefined ? '' : ` (got ${JSON.stringify(given)})`}`
    })
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`)
  }
  if (parsed.data.STORE === 'postgres' && parsed.data.DATABASE_URL === undefined) {
    throw new ConfigError('Invalid configuration:\n  DATABASE_URL: required with STORE=postgres (a postgres:// URL)')
  }
  if (parsed.data.REDIS_URL !== undefined && parsed.data.STORE !== 'postgres') {
    throw new ConfigError(
      'Invalid configuration:\n  REDIS_URL: the cluster mode needs STORE=postgres and DATABASE_URL (instances share one PostgreSQL database; LevelDB is one process’s)',
    )
  }
  const data: Record<string, unknown> = parsed.data
  const entries = Object.keys(schema.shape).map((name) => [camelCase(name), data[name]])
  return Object.freeze(Object.fromEntries(entries)) as Config
}

/** The defaults, with overrides: what tests and tools start from. */
export function configWith(overrides: Partial<Config> = {}): Config {
  return Object.freeze({ ...loadConfig({}), ...overrides })
}
