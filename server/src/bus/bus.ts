import type { AwarenessEntry } from '@quire/shared'

/** What instances tell each other about documents and themselves. */
export type BusMessage =
  | { kind: 'update'; from: string; doc: string; seq: number; author: string; updates: Uint8Array[]; sentAt: number }
  | { kind: 'presence'; from: string; doc: string; entries: AwarenessEntry[] }
  | { kind: 'rotated'; from: string; doc: string; epoch: number }
  | { kind: 'deleted'; from: string; doc: string }
  | { kind: 'alive'; from: string }

/** What a bus hands its instance: every message of another instance about a followed document, or about all. */
export type BusListener = (message: BusMessage) => void

/**
 * How the instances of a cluster hear of each other's writes, presence, rotations and
 * deletions at once. Only the fast path: PostgreSQL holds the log and its order, so a message
 * lost, late or doubled costs latency, never data (the rooms fill gaps from the store and check
 * the documents' heads now and then). An instance never hears its own messages.
 */
export interface Bus {
  /** This instance's name on the bus. */
  readonly instance: string
  /** Whether messages flow now; `onConnection` hears every change. */
  readonly connected: boolean
  onConnection(listener: (connected: boolean) => void): void
  /** Starts delivering messages to `listener`. */
  start(listener: BusListener): Promise<void>
  /** Messages about `doc` are delivered from now on (until `unfollow`). */
  follow(doc: string): void
  unfollow(doc: string): void
  /** Sends a message if the bus is up (true); a message that cannot be sent is dropped (false). */
  publish(message: DistributiveOmit<BusMessage, 'from'>): boolean
  /**
   * Holds the lease `name` for `ms` (taken, or renewed if this instance holds it): whether it
   * holds it now. Work done once per document across the cluster goes to the holder.
   */
  lease(name: string, ms: number): Promise<boolean>
  close(): Promise<void>
}

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
