import type { Log } from '../logger.js'
import WebSocket from 'ws'
import { CLOSE_REASONS, CloseCode, canComment, canWrite, type Role } from '@quire/shared'
import { decodeClientMessage, ProtocolError, type ClientMessage } from './protocol.js'
import type { Peer, Room } from './room.js'
import { Throttle } from './throttle.js'

export interface ConnectionLimits {
  /** Unsent bytes a socket may hold beyond its largest single message. */
  maxBufferedBytes: number
  /** Frames kept while the document loads. */
  maxPendingFrames: number
  /** Presence updates taken per second; faster ones wait, and only the latest is kept. */
  maxAwarenessPerSecond: number
  /** Sync step 1s answered per second; faster ones wait, and only the latest is kept. */
  maxSyncRequestsPerSecond: number
}

/** How long a probed socket has to answer a ping. */
const PROBE_TIMEOUT_MS = 2_000

/**
 * One socket as a room sees it: role, bounded buffers, close codes. Frames that arrive while
 * the room loads are kept (bounded) and handled in order once it is attached. A fault in a
 * frame closes this socket only.
 */
export class Connection implements Peer {
  readonly role: Role
  readonly canWrite: boolean
  readonly canComment: boolean
  readonly keyEpoch: number | undefined
  readonly #ws: WebSocket
  readonly #limits: ConnectionLimits
  readonly #log: Log
  /** What every log line of this socket says about it (no child logger per socket: memory). */
  readonly #context: Record<string, unknown>
  #room: Room | undefined
  #early: Uint8Array[] = []
  #alive = true
  #closing = false
  #largestMessage = 0
  #probing = false
  readonly #awareness: Throttle<ClientMessage>
  /**
   * Step 1s: each is answered with up to the whole document, so a socket gets one answer at a
   * time (the next once the last has left the send buffer) and a bounded number a second.
   */
  readonly #syncRequests: Throttle<ClientMessage>
  #answering = false
  #answersInFlight = 0
  /** Why the server closed the socket, for metrics. */
  closeCode: number | undefined

  /** `key`: the role it grants, and the link epoch it was minted for (none for an owner key). */
  constructor(ws: WebSocket, key: { role: Role; epoch: number | undefined }, limits: ConnectionLimits, log: Log, context: Record<string, unknown>) {
    this.#ws = ws
    this.role = key.role
    this.keyEpoch = key.epoch
    this.canWrite = canWrite(key.role)
    this.canComment = canComment(key.role)
    this.#limits = limits
    this.#log = log
    this.#context = context
    this.#awareness = new Throttle(limits.maxAwarenessPerSecond, (message) => this.#deliver(message))
    this.#syncRequests = new Throttle(limits.maxSyncRequestsPerSecond, (message) => this.#answer(message))
    // Attached before any await, so no frame is missed.
    ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary))
    ws.on('pong', () => {
      this.#alive = true
    })
  }

  get isOpen(): boolean {
    return !this.#closing && this.#ws.readyState === WebSocket.OPEN
  }

  /** Starts handling frames for `room`, the early ones first. */
  attach(room: Room): void {
    this.#room = room
    const early = this.#early
    this.#early = []
    for (const frame of early) {
      if (this.#closing) return
      this.#handle(frame)
    }
  }

  send(message: Uint8Array): void {
    if (!this.isOpen) return
    // A socket that does not read falls behind; it is closed rather than left to grow memory.
    if (this.#ws.bufferedAmount > this.#limits.maxBufferedBytes + this.#largestMessage) {
      this.close(CloseCode.tooSlow)
      return
    }
    this.#largestMessage = Math.max(this.#largestMessage, message.length)
    if (!this.#answering) {
      this.#ws.send(message)
      return
    }
    this.#answersInFlight++
    this.#ws.send(message, () => {
      if (--this.#answersInFlight === 0) this.#syncRequests.release()
    })
  }

  close(code: CloseCode, detail?: string): void {
    if (this.#closing) return
    this.#closing = true
    this.closeCode = code
    this.#early = []
    this.#awareness.stop()
    this.#syncRequests.stop()
    if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING) {
      // The close frame queues behind what the peer has not read yet (bounded by the
      // buffer limit); ws drops a peer that does not finish the handshake within 30 s.
      this.#ws.close(code, (detail ?? CLOSE_REASONS[code]).slice(0, 120))
    }
  }

  probe(): void {
    if (this.#probing || !this.isOpen) return
    this.#probing = true
    this.#alive = false
    this.#ws.ping()
    setTimeout(() => {
      this.#probing = false
      if (!this.#alive) this.#ws.terminate()
    }, PROBE_TIMEOUT_MS).unref()
  }

  /** Drops the socket without a closing handshake. */
  terminate(): void {
    this.#ws.terminate()
  }

  /** One heartbeat: false (and the socket dropped) when the last ping got no answer. */
  heartbeat(): boolean {
    if (!this.#alive) {
      this.#ws.terminate()
      return false
    }
    this.#alive = false
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.ping()
    return true
  }

  #onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    this.#alive = true
    if (this.#closing) return
    if (!isBinary) {
      this.close(CloseCode.textFrame)
      return
    }
    // ws may hand out views into buffers it reuses; the room keeps frames across turns.
    const frame = copyFrame(data)
    if (this.#room) {
      this.#handle(frame)
    } else if (this.#early.length < this.#limits.maxPendingFrames) {
      this.#early.push(frame)
    } else {
      this.close(CloseCode.tooSlow, 'Too many messages while the document was loading.')
    }
  }

  #handle(frame: Uint8Array): void {
    let message: ClientMessage
    try {
      message = decodeClientMessage(frame)
    } catch (error) {
      this.#refuse(error)
      return
    }
    if (message.type === 'awareness') this.#awareness.offer(message)
    else if (message.type === 'sync-step1') this.#syncRequests.offer(message)
    else this.#deliver(message)
  }

  #deliver(message: ClientMessage): void {
    if (this.#closing) return
    try {
      this.#room!.receive(this, message)
    } catch (error) {
      this.#refuse(error)
    }
  }

  /** Answers a step 1, holding the next one until this answer has left the send buffer. */
  #answer(message: ClientMessage): void {
    this.#answering = true
    try {
      this.#deliver(message)
    } finally {
      this.#answering = false
    }
    if (this.#answersInFlight > 0) this.#syncRequests.hold()
  }

  #refuse(error: unknown): void {
    if (error instanceof ProtocolError) this.#log.debug({ ...this.#context, err: error }, 'refused a frame')
    else this.#log.warn({ ...this.#context, err: error }, 'a frame failed')
    this.close(CloseCode.badFrame, error instanceof ProtocolError ? error.message : undefined)
  }
}

function copyFrame(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  return new Uint8Array(data instanceof ArrayBuffer ? data.slice(0) : data)
}
