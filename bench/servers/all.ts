import { hocuspocus } from './hocuspocus.js'
import { quire } from './quire.js'
import { relay } from './relay.js'
import type { ServerId, ServerKind } from './server-kind.js'
import { yWebsocket } from './y-websocket.js'

/** Every server the suite compares, in the order of the table's columns. */
export const ALL_SERVERS: readonly ServerKind[] = [relay, yWebsocket, hocuspocus, quire]

export function serversById(ids: readonly ServerId[]): ServerKind[] {
  return ALL_SERVERS.filter((kind) => ids.includes(kind.id))
}
