import { hocuspocus } from './hocuspocus.js'
import { quire, quireFsync, quirePostgres } from './quire.js'
import { quireCluster } from './quire-cluster.js'
import { relay } from './relay.js'
import type { ServerId, ServerKind } from './server-kind.js'
import { yWebsocket } from './y-websocket.js'

/** Every server the suite knows, in the order of the table's columns. */
export const ALL_SERVERS: readonly ServerKind[] = [relay, yWebsocket, hocuspocus, quire, quireFsync, quirePostgres, quireCluster]

/** The servers of a run without --servers. */
export const DEFAULT_SERVERS: readonly ServerId[] = ['relay', 'y-websocket', 'hocuspocus', 'quire']
