import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.js'

/**
 * No image registry is reachable here, so the compose file is read, not run: its services,
 * volumes, health checks and settings must say what the contract says. The live path (the
 * server on PostgreSQL) is the storage tests'.
 */
interface Service {
  image?: string
  build?: string
  environment?: Record<string, string>
  depends_on?: Record<string, { condition: string }>
  volumes?: string[]
  ports?: string[]
  healthcheck?: { test: string[] }
  deploy?: { replicas?: number }
  command?: string[]
}

const file = fileURLToPath(new URL('../../../compose.yaml', import.meta.url))
const clusterFile = fileURLToPath(new URL('../../../compose.cluster.yaml', import.meta.url))
const haproxyFile = fileURLToPath(new URL('../../../deploy/haproxy.cfg', import.meta.url))

/** A service's environment as compose fills it in, and Quire's reading of it. */
function configOf(environment: Record<string, string>) {
  const filled = Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [name, value.replace(/\$\{POSTGRES_PASSWORD\}/g, 'pw').replace(/\$\{PUBLIC_URL:-([^}]+)\}/g, '$1')]),
  )
  for (const name of Object.keys(filled)) expect(CONFIG_VARIABLES, name).toContain(name)
  return loadConfig(filled)
}

describe('compose.yaml', async () => {
  const compose = parse(await readFile(file, 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> }
  const { postgres, quire } = compose.services

  it('runs PostgreSQL on a named volume, healthy once it answers', () => {
    expect(postgres?.image).toMatch(/^postgres:\d+/)
    const [volume, path] = postgres!.volumes![0]!.split(':')
    expect(Object.keys(compose.volumes)).toContain(volume)
    expect(path).toBe('/var/lib/postgresql/data')
    expect(postgres!.healthcheck!.test.join(' ')).toContain('pg_isready')
    expect(postgres!.environment!.POSTGRES_PASSWORD).toMatch(/\$\{POSTGRES_PASSWORD:\?/)
  })

  it('starts Quire on that database once the database is healthy, and checks Quire’s readiness', () => {
    expect(quire?.build).toBe('.')
    expect(quire!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } })
    expect(quire!.healthcheck!.test.join(' ')).toContain('/readyz')
    expect(quire!.ports).toEqual(['127.0.0.1:3000:3000'])
  })

  it('gives Quire only settings it knows, and ones it accepts', () => {
    // As compose fills them in: the URL points at the postgres service.
    const config = configOf(quire!.environment!)
    expect(config.store).toBe('postgres')
    expect(new URL(config.databaseUrl!).host).toBe('postgres:5432')
  })
})

describe('compose.cluster.yaml', async () => {
  const compose = parse(await readFile(clusterFile, 'utf8')) as { services: Record<string, Service> }
  const { postgres, redis, quire, haproxy } = compose.services
  const haproxyConfig = await readFile(haproxyFile, 'utf8')

  it('runs three Quire replicas in the cluster mode, once PostgreSQL and Redis are healthy', () => {
    expect(quire!.deploy?.replicas).toBe(3)
    expect(quire!.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } })
    const config = configOf(quire!.environment!)
    expect(config).toMatchObject({ store: 'postgres', redisUrl: 'redis://redis:6379', trustProxy: 1 })
    expect(new URL(config.databaseUrl!).host).toBe('postgres:5432')
    // Only the balancer is published.
    expect(quire!.ports).toBeUndefined()
    expect(postgres!.healthcheck!.test.join(' ')).toContain('pg_isready')
    expect(redis!.image).toMatch(/^redis:\d+/)
    expect(redis!.command).toEqual(['redis-server', '--save', '', '--appendonly', 'no'])
  })

  it('puts HAProxy in front, checking each instance on /readyz, with WebSocket timeouts longer than the pings', () => {
    expect(haproxy!.image).toMatch(/^haproxy:\d/)
    expect(haproxy!.volumes).toEqual(['./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro'])
    const [, published] = /127\.0\.0\.1:3000:(\d+)/.exec(haproxy!.ports![0]!) ?? []
    expect(haproxyConfig).toContain(`bind :${published}`)
    expect(haproxyConfig).toMatch(/option httpchk GET \/readyz/)
    expect(haproxyConfig).toMatch(/server-template quire 3 quire:3000 check/)
    const tunnel = /timeout tunnel (\d+)h/.exec(haproxyConfig)
    expect(Number(tunnel?.[1]) * 3600_000).toBeGreaterThan(loadConfig({}).pingIntervalMs)
  })
})
