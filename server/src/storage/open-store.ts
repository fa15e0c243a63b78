import { join } from 'node:path'
import type { Config } from '../config.js'
import type { Log } from '../logger.js'
import type { DocStore } from './doc-store.js'
import { LevelStore } from './level-store.js'
import { PgStore } from './pg-store.js'

/** The store the configuration names (STORE), not yet open. */
export function createStore(config: Config, log: Log): DocStore {
  if (config.store === 'postgres') {
    return new PgStore(config.databaseUrl!, {
      syncWrites: config.syncWrites,
      poolSize: config.databasePoolSize,
      statementTimeoutMs: config.databaseStatementTimeoutMs,
      log,
    })
  }
  return new LevelStore(join(config.dataDir, 'db'), { syncWrites: config.syncWrites, log })
}
