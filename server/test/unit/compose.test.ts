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
}

const file = fileURLToPath(new URL('../../../compose.yaml', import.meta.url))

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
    const environment = quire!.environment!
    for (const name of Object.keys(environment)) expect(CONFIG_VARIABLES, name).toContain(name)
    // As compose fills them in: the URL points at the postgres service.
    const filled = Object.fromEntries(
      Object.entries(environment).map(([name, value]) => [name, value.replace(/\$\{POSTGRES_PASSWORD\}/g, 'pw').replace(/\$\{PUBLIC_URL:-([^}]+)\}/g, '$1')]),
    )
    const config = loadConfig(filled)
    expect(config.store).toBe('postgres')
    expect(new URL(config.databaseUrl!).host).toBe('postgres:5432')
  })
})
