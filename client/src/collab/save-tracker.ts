import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import { ObservableV2 } from 'lib0/observable'
import type { WebsocketProvider } from 'y-websocket'
import { encodeSyncStep1, MessageType, SyncStep } from '@quire/shared'
import { ServerState } from './server-state.js'

/** First wait before asking the server again, and the longest (the server may be slow to write). */
const PROBE_DELAY_MS = 150
const MAX_PROBE_DELAY_MS = 4000

type SyncHandler = WebsocketProvider['messageHandlers'][number]

/**
 * Knows whether every local change has reached the server's copy.
 *
 * The y-websocket protocol has no acknowledgement, but the server answers a sync step 1 with
 * everything it holds beyond the given state vector, and it only ever holds what is on disk.
 * So after local changes we send a step 1 with what we know the server has; its answer tells
 * us what it has now. `pending` is true until the server is known to hold every item and
 * every deletion of the local document.
 */
export class SaveTracker extends ObservableV2<{ change: (pending: boolean) => void }> {
  readonly #doc: Y.Doc
  readonly #provider: WebsocketProvider
  readonly #server = new ServerState()
  readonly #originalSyncHandler: SyncHandler
  #pending = false
  #fromServer = false
  #probeInFlight = false
  #probeTimer: ReturnType<typeof setTimeout> | undefined
  #probeDelay = PROBE_DELAY_MS
  #changedSinceProbe = false

  constructor(doc: Y.Doc, provider: WebsocketProvider) {
    super()
    this.#doc = doc
    this.#provider = provider
    this.#originalSyncHandler = provider.messageHandlers[MessageType.sync]!
    provider.messageHandlers[MessageType.sync] = this.#onSyncMessage
    doc.on('update', this.#onDocUpdate)
    provider.on('status', this.#onStatus)
    provider.on('sync', this.#onSynced)
  }

  /** True while some local change is not yet known to be on the server. */
  get pending(): boolean {
    return this.#pending
  }

  override destroy(): void {
    clearTimeout(this.#probeTimer)
    this.#provider.messageHandlers[MessageType.sync] = this.#originalSyncHandler
    this.#doc.off('update', this.#onDocUpdate)
    this.#provider.off('status', this.#onStatus)
    this.#provider.off('sync', this.#onSynced)
    super.destroy()
  }

  /** Reads what the server tells about its copy, then lets the stock handler do its work. */
  readonly #onSyncMessage: SyncHandler = (encoder, decoder, provider, fromWebSocket, messageType) => {
    // Messages from other tabs (BroadcastChannel) say nothing about the server.
    const fromServer = fromWebSocket
    let step: number | undefined
    if (fromServer) {
      try {
        const peek = decoding.clone(decoder)
        step = decoding.readVarUint(peek)
        const payload = decoding.readVarUint8Array(peek)
        if (step === SyncStep.step1) this.#server.learnStateVector(payload)
        else this.#server.learnUpdate(payload)
      } catch {
        // Unreadable: learn nothing from it (changes stay pending); the stock handler decides the rest.
      }
    }
    this.#fromServer = fromServer
    try {
      this.#originalSyncHandler(encoder, decoder, provider, fromWebSocket, messageType)
    } finally {
      this.#fromServer = false
    }
    if (!fromServer) return
    if (step === SyncStep.step2) this.#probeInFlight = false
    if (this.#pending) this.#recheck(step === SyncStep.step2)
  }

  readonly #onDocUpdate = () => {
    // The server's own content is on the server; anything else may be news to it.
    if (this.#fromServer) return
    this.#changedSinceProbe = true
    this.#probeDelay = PROBE_DELAY_MS
    this.#setPending(true)
    this.#scheduleProbe()
  }

  readonly #onStatus = ({ status }: { status: string }) => {
    if (status === 'connected') return
    this.#probeInFlight = false
    clearTimeout(this.#probeTimer)
    this.#probeTimer = undefined
  }

  readonly #onSynced = (synced: boolean) => {
    if (synced && this.#pending) this.#recheck(false)
  }

  /** Compares the local document with what the server is known to hold. */
  #recheck(afterProbe: boolean): void {
    this.#setPending(!this.#server.holdsAllOf(this.#doc))
    if (!this.#pending) {
      this.#probeDelay = PROBE_DELAY_MS
      return
    }
    // Nothing new was typed, yet the server has not caught up: it is busy writing, so wait longer.
    if (afterProbe && !this.#changedSinceProbe) this.#probeDelay = Math.min(this.#probeDelay * 2, MAX_PROBE_DELAY_MS)
    this.#scheduleProbe()
  }

  #scheduleProbe(): void {
    if (this.#probeTimer !== undefined || this.#probeInFlight) return
    this.#probeTimer = setTimeout(() => {
      this.#probeTimer = undefined
      this.#probe()
    }, this.#probeDelay)
  }

  #probe(): void {
    const ws = this.#provider.ws
    // Not connected: the first sync after reconnecting sends everything and answers anyway.
    if (!this.#pending || !this.#provider.synced || !ws || ws.readyState !== WebSocket.OPEN) return
    this.#probeInFlight = true
    this.#changedSinceProbe = false
    ws.send(encodeSyncStep1(Y.encodeStateVector(this.#server.probeVector(this.#doc))))
  }

  #setPending(pending: boolean): void {
    if (pending === this.#pending) return
    this.#pending = pending
    this.emit('change', [pending])
  }
}
