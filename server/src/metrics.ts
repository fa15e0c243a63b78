import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { StoreEvents } from './storage/doc-store.js'
import type { SyncEvents } from './sync/events.js'

/** What the gauges read when scraped. */
export interface MetricSources {
  openRooms(): number
  openSocketsByRole(): Record<string, number>
  /** A database store's connections, if the store has any. */
  storeConnections(): { total: number; idle: number; waiting: number } | undefined
}

/**
 * What an operator watches, in Prometheus' text format: one registry per server instance.
 * It listens to the collaboration core's events and reads open rooms and sockets when scraped.
 */
export class Metrics implements SyncEvents, StoreEvents {
  readonly registry = new Registry()
  readonly #updatesReceived: Counter
  readonly #updateBytesReceived: Counter
  readonly #updatesRefused: Counter<'reason'>
  readonly #messagesRelayed: Counter<'kind'>
  readonly #bytesRelayed: Counter<'kind'>
  readonly #syncReplies: Counter<'source'>
  readonly #writeSeconds: Histogram
  readonly #batchUpdates: Histogram
  readonly #writeFailures: Counter
  readonly #loadSeconds: Histogram
  readonly #unloads: Counter
  readonly #compactions: Counter
  readonly #socketsClosed: Counter<'code'>
  readonly #storeSeconds: Histogram
  readonly #storeFailures: Counter
  readonly #busMessages: Counter<'kind' | 'outcome'>
  readonly #busLag: Histogram
  readonly #gapFills: Counter
  readonly #gapEntries: Counter
  readonly #entriesApplied: Counter<'source'>

  constructor(sources: MetricSources) {
    const registers = [this.registry]
    collectDefaultMetrics({ register: this.registry })
    new Gauge({
      name: 'quire_rooms_open',
      help: 'Documents loaded in memory',
      registers,
      collect() {
        this.set(sources.openRooms())
      },
    })
    new Gauge({
      name: 'quire_sockets_open',
      help: 'Open collaboration sockets, by the role of their key',
      labelNames: ['role'],
      registers,
      collect() {
        this.reset()
        for (const [role, count] of Object.entries(sources.openSocketsByRole())) this.set({ role }, count)
      },
    })
    new Gauge({
      name: 'quire_store_connections',
      help: 'Database connections by state (busy, idle) and requests waiting for one (PostgreSQL only)',
      labelNames: ['state'],
      registers,
      collect() {
        this.reset()
        const connections = sources.storeConnections()
        if (!connections) return
        this.set({ state: 'busy' }, connections.total - connections.idle)
        this.set({ state: 'idle' }, connections.idle)
        this.set({ state: 'waiting' }, connections.waiting)
      },
    })
    this.#storeSeconds = new Histogram({
      name: 'quire_store_query_seconds',
      help: 'Time of one database statement or transaction (PostgreSQL only)',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    })
    this.#storeFailures = new Counter({ name: 'quire_store_errors_total', help: 'Database statements that failed (PostgreSQL only)', registers })
    this.#updatesReceived = new Counter({ name: 'quire_updates_received_total', help: 'Updates taken from sockets', registers })
    this.#updateBytesReceived = new Counter({ name: 'quire_update_bytes_received_total', help: 'Bytes of the updates taken', registers })
    this.#updatesRefused = new Counter({
      name: 'quire_updates_refused_total',
      help: 'Updates not taken, by reason',
      labelNames: ['reason'],
      registers,
    })
    this.#messagesRelayed = new Counter({
      name: 'quire_messages_relayed_total',
      help: 'Messages sent to sockets by relays (one per socket), by kind',
      labelNames: ['kind'],
      registers,
    })
    this.#bytesRelayed = new Counter({ name: 'quire_bytes_relayed_total', help: 'Bytes sent by relays, by kind', labelNames: ['kind'], registers })
    this.#syncReplies = new Counter({
      name: 'quire_sync_replies_total',
      help: 'Sync step 1 answers, by source: cached (an encoding shared by joiners with the same state) or encoded',
      labelNames: ['source'],
      registers,
    })
    this.#writeSeconds = new Histogram({
      name: 'quire_store_write_seconds',
      help: 'Time to write one batch of updates to the store',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    })
    this.#batchUpdates = new Histogram({
      name: 'quire_store_batch_updates',
      help: 'Updates in one write batch',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 1024],
      registers,
    })
    this.#writeFailures = new Counter({ name: 'quire_store_write_failures_total', help: 'Write batches that failed', registers })
    this.#loadSeconds = new Histogram({
      name: 'quire_room_load_seconds',
      help: 'Time to load a document from the store',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    })
    this.#unloads = new Counter({ name: 'quire_room_unloads_total', help: 'Documents unloaded from memory', registers })
    this.#compactions = new Counter({ name: 'quire_compactions_total', help: 'Logs folded into their base state', registers })
    this.#socketsClosed = new Counter({
      name: 'quire_sockets_closed_total',
      help: 'Sockets closed, by close code (peer: the client closed or the connection dropped)',
      labelNames: ['code'],
      registers,
    })
    this.#busMessages = new Counter({
      name: 'quire_bus_messages_published_total',
      help: 'Cluster mode: messages this instance put on the bus, by kind and outcome (sent, or dropped while the bus was down)',
      labelNames: ['kind', 'outcome'],
      registers,
    })
    this.#busLag = new Histogram({
      name: 'quire_bus_lag_seconds',
      help: "Cluster mode: from another instance's publish of a write to its arrival here",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers,
    })
    this.#gapFills = new Counter({
      name: 'quire_gap_fills_total',
      help: 'Cluster mode: reads of the log from the store that brought entries the bus lost or delayed',
      registers,
    })
    this.#gapEntries = new Counter({ name: 'quire_gap_fill_entries_total', help: 'Cluster mode: log entries those reads brought', registers })
    this.#entriesApplied = new Counter({
      name: 'quire_log_entries_applied_total',
      help: "Log entries applied to the rooms, in seq order, by source: own (this instance's writes) or remote (other instances', cluster mode)",
      labelNames: ['source'],
      registers,
    })
  }

  updateReceived(bytes: number): void {
    this.#updatesReceived.inc()
    this.#updateBytesReceived.inc(bytes)
  }

  updateRefused(reason: string): void {
    this.#updatesRefused.inc({ reason })
  }

  relayed(kind: 'update' | 'awareness', sockets: number, bytes: number): void {
    if (sockets === 0) return
    this.#messagesRelayed.inc({ kind }, sockets)
    this.#bytesRelayed.inc({ kind }, sockets * bytes)
  }

  syncReplied(source: 'cached' | 'encoded'): void {
    this.#syncReplies.inc({ source })
  }

  roomLoaded(seconds: number): void {
    this.#loadSeconds.observe(seconds)
  }

  roomUnloaded(): void {
    this.#unloads.inc()
  }

  compacted(): void {
    this.#compactions.inc()
  }

  batchWritten(updates: number, seconds: number): void {
    this.#writeSeconds.observe(seconds)
    this.#batchUpdates.observe(updates)
  }

  writeFailed(): void {
    this.#writeFailures.inc()
  }

  socketClosed(code: number | undefined): void {
    this.#socketsClosed.inc({ code: code === undefined ? 'peer' : String(code) })
  }

  busPublished(kind: string, sent: boolean): void {
    this.#busMessages.inc({ kind, outcome: sent ? 'sent' : 'dropped' })
  }

  busReceived(lagSeconds: number): void {
    this.#busLag.observe(lagSeconds)
  }

  gapFilled(entries: number): void {
    this.#gapFills.inc()
    this.#gapEntries.inc(entries)
  }

  entryApplied(source: 'own' | 'remote'): void {
    this.#entriesApplied.inc({ source })
  }

  storeQueried(seconds: number): void {
    this.#storeSeconds.observe(seconds)
  }

  storeFailed(): void {
    this.#storeFailures.inc()
  }
}
