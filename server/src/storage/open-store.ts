import { join } from 'node:path'
import type { Config } from '../config.js'
import type { Log } from '../logger.js'
import type { DocStore } from './doc-store.js'
import { LevelStore } from './level-store.js'

/**
 * The store the configuration names (STORE), not yet open. The PostgreSQL store and its client
 * are loaded only when named: a server at rest on LevelDB does not carry them.
 */
export async function createStore(config: Config, log: Log): Promise<DocStore> {
  if (config.store === 'postgres') {
    const { PgStore } = await import('./pg-store.js')
    return new PgStore(config.databaseUrl!, {
      syncWrites: config.syncWrites,
      poolSize: config.databasePoolSize,
      statementTimeoutMs: config.databaseStatementTimeoutMs,
      log,
    })
  }
  return new LevelStore(join(config.dataDir, 'db'), { syncWrites: config.syncWrites, log })
}
