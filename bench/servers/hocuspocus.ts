import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { installedVersion, randomDocName, RunningServer, startNode, TSX_IMPORT, type ServerKind, type StartOptions } from './server-kind.js'

const ENTRY = fileURLToPath(new URL('./hocuspocus-main.ts', import.meta.url))

/** Hocuspocus with its SQLite extension, configured as its documentation shows. */
export const hocuspocus: ServerKind = {
  id: 'hocuspocus',
  label: `Hocuspocus ${installedVersion('@hocuspocus/server')} + SQLite`,
  framing: 'hocuspocus',
  stateful: true,
  // onStoreDocument is debounced: 2 s after the last change, 10 s at most.
  storesLater: true,
  start(options: StartOptions): Promise<RunningServer> {
    return startNode(
      this,
      options,
      (port) => ({ args: [...TSX_IMPORT, ENTRY, String(port), join(options.dataDir, 'hocuspocus.sqlite')], readyPath: '/' }),
      async () => {
        const name = randomDocName()
        return { name, path: '/' }
      },
    )
  },
}
