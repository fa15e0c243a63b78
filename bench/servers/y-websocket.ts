import { join } from 'node:path'
import { installedVersion, randomDocName, REPO_ROOT, RunningServer, startNode, type ServerKind, type StartOptions } from './server-kind.js'

const PACKAGE = 'y-websocket-classic'

/**
 * The classic y-websocket server (the `y-websocket` 1.x package's bin/server.js, installed
 * under an alias), persisting to LevelDB through y-leveldb as its YPERSISTENCE option does.
 */
export const yWebsocket: ServerKind = {
  id: 'y-websocket',
  label: `y-websocket ${installedVersion(PACKAGE)} + LevelDB`,
  framing: 'yws',
  stateful: true,
  storesLater: false,
  start(options: StartOptions): Promise<RunningServer> {
    return startNode(
      this,
      options,
      (port) => ({
        args: [join(REPO_ROOT, 'node_modules', PACKAGE, 'bin/server.js')],
        env: { HOST: '127.0.0.1', PORT: String(port), YPERSISTENCE: join(options.dataDir, 'leveldb') },
        readyPath: '/',
      }),
      async () => {
        const name = randomDocName()
        return { name, path: `/${name}` }
      },
    )
  },
}
