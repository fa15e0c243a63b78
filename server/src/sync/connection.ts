import type { Log } from '../logger.js'
import WebSocket from 'ws'
import { CLOSE_REASONS, CloseCode, canWrite, type Role } from '@quire/shared'
import { decodeClientMessage, ProtocolError } from './protocol.js'
import type { Peer, Room } from './room.js'

export interface ConnectionLimits {
  /** Unsent bytes a socket may hold beyond its largest single message. */
  maxBufferedBytes: number
  /** Frames kept while the document loads. */
  maxPendingFrames: number
}

/**
 * One socket as a room sees it: role, bounded buffers, close codes. Frames that arrive while
 * the room loads are kept (bounded) and handled in order once it is attached. A fault in a
 * frame closes this socket only.
 */
export class Connection implements Peer {
  readonly role: Role
  readonly canWrite: boolean
  readonly #ws: WebSocket
  readonly #limits: ConnectionLimits
  readonly #log: Log
  #room: Room | undefined
  #early: Uint8Array[] = []
  #alive = true
  #closing = false
  #largestMessage = 0
  /** Why the server closed the socket, for metrics. */
  closeCode: number | undefined

  constructor(ws: WebSocket, role: Role, limits: ConnectionLimits, log: Log) {
    this.#ws = ws
    this.role = role
    this.canWrite = canWrite(role)
    this.#limits = limits
    this.#log = log
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
      this.#handle(room, frame)
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
    this.#ws.send(message)
  }

  close(code: CloseCode, detail?: string): void {
    if (this.#closing) return
    this.#closing = true
    this.closeCode = code
    this.#early = []
    if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING) {
      // The close frame queues behind what the peer has not read yet (bounded by the
      // buffer limit); ws drops a peer that does not finish the handshake within 30 s.
      this.#ws.close(code, (detail ?? CLOSE_REASONS[code]).slice(0, 120))
    }
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
      this.#handle(this.#room, frame)
    } else if (this.#early.length < this.#limits.maxPendingFrames) {
      this.#early.push(frame)
    } else {
      this.close(CloseCode.tooSlow, 'Too many messages while the document was loading.')
    }
  }

  #handle(room: Room, frame: Uint8Array): void {
    try {
      room.receive(this, decodeClientMessage(frame))
    } catch (error) {
      if (error instanceof ProtocolError) this.#log.debug({ err: error }, 'refused a frame')
      else this.#log.warn({ err: error }, 'a frame failed')
      this.close(CloseCode.badFrame, error instanceof ProtocolError ? error.message : undefined)
    }
  }
}

function copyFrame(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  return new Uint8Array(data instanceof ArrayBuffer ? data.slice(0) : data)
}
