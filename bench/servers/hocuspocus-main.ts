/**
 * The Hocuspocus server process: `node --import tsx hocuspocus-main.ts <port> <sqlite file>`.
 * Its defaults as shipped (debounce, batching, signal handling), with the SQLite extension.
 */
import { SQLite } from '@hocuspocus/extension-sqlite'
import { Server } from '@hocuspocus/server'

const [port, database] = process.argv.slice(2)
if (!port || !database) throw new Error('usage: hocuspocus-main.ts <port> <sqlite file>')

const server = new Server({
  port: Number(port),
  address: '127.0.0.1',
  quiet: true,
  extensions: [new SQLite({ database })],
})
await server.listen()
