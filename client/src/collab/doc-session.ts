import * as Y from 'yjs'
import { ObservableV2 } from 'lib0/observable'
import { WebsocketProvider } from 'y-websocket'
import { COLLAB_PATH, canComment, isPermanentClose, type Role } from '@quire/shared'
import { OfflineCopy } from './offline-copy.js'
import { describeStatus, type Connection, type Status } from './save-status.js'
import { SaveTracker } from './save-tracker.js'

/** A close after which the stock provider does not reconnect (4400–4499): the server's decision. */
export interface PermanentClose {
  code: number
  reason: string
}

export interface DocSessionOptions {
  id: string
  key: string
  role: Role
  /** The page's origin, e.g. `https://docs.example.org`. */
  origin: string
}

/**
 * One open document: its Y.Doc, the copy on this device, the stock y-websocket provider, and
 * whether local changes have reached the server. Everything the page shows about the
 * connection is derived here from the provider's own state.
 */
export class DocSession extends ObservableV2<{ status: (status: Status) => void; closed: (close: PermanentClose) => void }> {
  readonly id: string
  readonly role: Role
  readonly doc = new Y.Doc()
  readonly offline: OfflineCopy
  readonly provider: WebsocketProvider
  /** Only writers and commenters have changes to save. */
  readonly saves: SaveTracker | undefined
  #closed: PermanentClose | undefined
  #status: Status
  #wasConnected = false

  constructor({ id, key, role, origin }: DocSessionOptions) {
    super()
    this.id = id
    this.role = role
    this.offline = new OfflineCopy(id, this.doc)
    this.provider = new WebsocketProvider(origin.replace(/^http/, 'ws') + COLLAB_PATH, id, this.doc, { params: { key } })
    this.saves = canComment(role) ? new SaveTracker(this.doc, this.provider) : undefined
    this.#status = this.#describe()

    this.provider.on('status', this.#update)
    this.provider.on('sync', this.#update)
    this.provider.on('connection-close', this.#update)
    this.provider.on('closed', this.#onClosed)
    this.saves?.on('change', this.#update)
    this.offline.on('change', this.#update)
    window.addEventListener('online', this.#update)
    window.addEventListener('offline', this.#update)
  }

  get status(): Status {
    return this.#status
  }

  /** Set once the server closed for good (revoked, deleted, too large, too many). */
  get closed(): PermanentClose | undefined {
    return this.#closed
  }

  get connection(): Connection {
    const provider = this.provider
    if (this.#closed) return 'closed'
    if (provider.wsconnected && provider.synced) return 'online'
    if (provider.wsconnected) return 'connecting'
    // A lost connection, a failed attempt or a lost network: offline. The first attempt is just connecting.
    if (this.#wasConnected || provider.wsUnsuccessfulReconnects > 0 || !navigator.onLine) return 'offline'
    return 'connecting'
  }

  /** Stops talking to the server for a while (e.g. while the links are rotated); edits stay local. */
  pause(): void {
    this.provider.disconnect()
    this.#update()
  }

  /** Connects again, with a new key if one is given. */
  resume(key?: string): void {
    if (key !== undefined) this.provider.params = { ...this.provider.params, key }
    this.#closed = undefined
    this.provider.connect()
    this.#update()
  }

  override destroy(): void {
    window.removeEventListener('online', this.#update)
    window.removeEventListener('offline', this.#update)
    this.saves?.destroy()
    this.provider.destroy()
    this.offline.destroy()
    this.doc.destroy()
    super.destroy()
  }

  /**
   * Stops for good, as after a permanent close from the server; for what the page learns
   * otherwise (the documents API refusing the key while the socket could not connect).
   */
  stop(close: PermanentClose): void {
    if (this.#closed) return
    this.provider.disconnect()
    this.#onClosed(close)
  }

  readonly #onClosed = (close: PermanentClose) => {
    // The stock provider only stops for 4400–4499; anything else it retries by itself.
    if (!isPermanentClose(close.code)) return
    this.#closed = { code: close.code, reason: close.reason }
    this.#update()
    this.emit('closed', [this.#closed])
  }

  readonly #update = () => {
    if (this.provider.wsconnected) this.#wasConnected = true
    const next = this.#describe()
    if (next.kind === this.#status.kind && next.label === this.#status.label) return
    this.#status = next
    this.emit('status', [next])
  }

  #describe(): Status {
    return describeStatus({
      canWrite: canComment(this.role),
      connection: this.connection,
      pending: this.saves?.pending ?? false,
      kept: this.offline.kept,
      closeCode: this.#closed?.code,
    })
  }
}
