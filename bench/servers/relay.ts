import { fileURLToPath } from 'node:url'
import { installedVersion, randomDocName, RunningServer, startNode, TSX_IMPORT, type ServerKind, type StartOptions } from './server-kind.js'

const ENTRY = fileURLToPath(new URL('./relay-main.ts', import.meta.url))

/** The floor of a Node fan-out: `ws` forwarding bytes between the sockets of a path. */
export const relay: ServerKind = {
  id: 'relay',
  label: `raw ws ${installedVersion('ws')} relay`,
  framing: 'relay',
  stateful: false,
  storesLater: false,
  start(options: StartOptions): Promise<RunningServer> {
    return startNode(
      this,
      options,
      (port) => ({ args: [...TSX_IMPORT, ENTRY, String(port)], readyPath: '/' }),
      async () => {
        const name = randomDocName()
        return { name, path: `/${name}` }
      },
    )
  },
}
