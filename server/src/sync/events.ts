/**
 * Why an update from a peer was not taken. `ahead_of_sync`: it depends on what the peer's
 * outstanding sync step 2 will bring, and is dropped without closing the socket.
 * `outside_comments`: a commenter's update changes more than the comments.
 */
export type RefusalReason =
  'read_only' | 'outside_comments' | 'foreign_client' | 'missing_dependency' | 'ahead_of_sync' | 'too_deep' | 'too_many_clients' | 'too_large'

/**
 * What the collaboration core reports as it works: metrics listen, the core does not know
 * who does. Every callback is cheap and optional.
 */
export interface SyncEvents {
  updateReceived?(bytes: number): void
  updateRefused?(reason: RefusalReason): void
  /** One message sent to `sockets` sockets. */
  relayed?(kind: 'update' | 'awareness', sockets: number, bytes: number): void
  /** A sync step 1 answered: from a reply already encoded for that state, or encoded anew. */
  syncReplied?(source: 'cached' | 'encoded'): void
  roomLoaded?(seconds: number): void
  roomUnloaded?(): void
  compacted?(): void
  batchWritten?(updates: number, seconds: number): void
  writeFailed?(): void
  /** A socket closed, with the code the server closed it with (undefined: the peer went). */
  socketClosed?(code: number | undefined): void
  /** Cluster mode: a message sent on the bus (or dropped, the bus being down). */
  busPublished?(kind: string, sent: boolean): void
  /** Cluster mode: another instance's write arrived over the bus, `lagSeconds` after it was sent. */
  busReceived?(lagSeconds: number): void
  /** Cluster mode: entries fetched from the store because the bus lost or delayed them. */
  gapFilled?(entries: number): void
  /** A log entry applied to a room, in seq order: one of its own writes, or another instance's. */
  entryApplied?(source: 'own' | 'remote'): void
}
