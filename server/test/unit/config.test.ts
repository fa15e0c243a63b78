import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../../src/config.js'

describe('loadConfig', () => {
  it('has the contract defaults', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: './data',
      publicUrl: undefined,
      logLevel: 'info',
      createRatePerMinute: 30,
      unloadGraceMs: 30_000,
    })
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('reads every variable, and treats an empty one as unset', () => {
    const config = loadConfig({ PORT: '8080', HOST: '0.0.0.0', PUBLIC_URL: 'https://docs.example.org/', SYNC_WRITES: 'true', LOG_LEVEL: '' })
    expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', publicUrl: 'https://docs.example.org', syncWrites: true, logLevel: 'info' })
  })

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '1e3'],
    ['PUBLIC_URL', 'ftp://example.org'],
    ['PUBLIC_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['SYNC_WRITES', 'maybe'],
    ['UNLOAD_GRACE_MS', '1.5'],
    ['MAX_MESSAGE_BYTES', '10'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError)
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}: .*\\(got "${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\)`))
  })

  it.each([
    ['false', false],
    ['', false],
    ['true', 1],
    ['2', 2],
    ['10.0.0.5', ['10.0.0.5']],
    ['10.0.0.0/8, fd00::/8,loopback', ['10.0.0.0/8', 'fd00::/8', 'loopback']],
  ])('reads TRUST_PROXY=%s as %j', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected)
  })

  it.each(['maybe', '10.0.0.0/33', '999.1.1.1', '17'])('refuses TRUST_PROXY=%s, saying what it takes', (value) => {
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/TRUST_PROXY: expected/)
  })

  it('takes a PostgreSQL store with its URL, and refuses one without it or with another scheme, never printing the URL', () => {
    expect(loadConfig({ STORE: 'postgres', DATABASE_URL: 'postgres://quire:pw@db:5432/quire' })).toMatchObject({
      store: 'postgres',
      databaseUrl: 'postgres://quire:pw@db:5432/quire',
    })
    expect(loadConfig({})).toMatchObject({ store: 'leveldb', databaseUrl: undefined })
    expect(() => loadConfig({ STORE: 'postgres' })).toThrow(/DATABASE_URL: required with STORE=postgres/)
    expect(() => loadConfig({ STORE: 'postgres', DATABASE_URL: 'mysql://secret-pw@db/x' })).toThrow(/DATABASE_URL: expected a postgres:\/\/ URL$/m)
    expect(() => loadConfig({ STORE: 'postgres', DATABASE_URL: 'mysql://secret-pw@db/x' })).not.toThrow(/secret-pw/)
    expect(() => loadConfig({ STORE: 'sqlite' })).toThrow(/STORE: expected leveldb or postgres/)
  })

  it('turns the cluster mode on with REDIS_URL on PostgreSQL, and refuses it on LevelDB or with another scheme', () => {
    const postgres = { STORE: 'postgres', DATABASE_URL: 'postgres://db/quire' }
    expect(loadConfig({ ...postgres, REDIS_URL: 'redis://cache:6379' })).toMatchObject({ redisUrl: 'redis://cache:6379', headCheckMs: 1_000 })
    expect(loadConfig(postgres)).toMatchObject({ redisUrl: undefined })
    expect(() => loadConfig({ REDIS_URL: 'redis://cache:6379' })).toThrow(/REDIS_URL: the cluster mode needs STORE=postgres/)
    expect(() => loadConfig({ ...postgres, REDIS_URL: 'http://secret-pw@cache' })).toThrow(/REDIS_URL: expected a redis:\/\/ or rediss:\/\/ URL$/m)
    expect(() => loadConfig({ ...postgres, REDIS_URL: 'http://secret-pw@cache' })).not.toThrow(/secret-pw/)
  })

  it('names every wrong variable at once, and never prints a secret', () => {
    let message = ''
    try {
      loadConfig({ PORT: 'x', HOST: '', LINK_SECRET: 'short-secret-value' })
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toContain('PORT')
    expect(message).toContain('LINK_SECRET')
    expect(message).not.toContain('short-secret-value')
  })

  it('is documented: the README’s configuration table lists every variable, and no other', async () => {
    const readme = await readFile(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8')
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1))
    const documented = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map(([, name]) => name)
    expect([...documented].sort()).toEqual([...CONFIG_VARIABLES].sort())
  })
})
