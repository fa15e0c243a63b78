/**
 * One load client: a WebSocket speaking the real protocol, without a Y.Doc of its own. It
 * reads which characters each update carries (Yjs client id and clock range) instead of
 * applying it, which is what lets one thread play hundreds of clients: that is enough to
 * time updates, acknowledge them to their typist and check that every client got all of them
 * in order.
 */
import WebSocket from 'ws'
import type { SharedCounters } from './counters.js'
import { wallClockMs } from './clock.js'
import { forEachClockRange } from './update-ranges.js'
import { Wire, type Framing } from './wire.js'

export interface ClientSpec {
  /** Index of the client in its run, across every worker. */
  index: number
  url: string
  docName: string
  framing: Framing
}

/** [Yjs client id, clock]: a client is synced once it holds these. */
export type Expectation = [clientId: number, clock: number][]

export interface Opened {
  index: number
  /** Connect → socket open, → first sync step 2, → holding everything expected (ms). */
  openMs: number
  step2Ms: number
  syncedMs: number
  /** For each expected client id, the clock this client holds. */
  held: number[]
  error?: string
}

/** What a run asks of a client while it receives. */
export interface ReceiveDuty {
  /** Record the latency of every update sent at or after this time (epoch ms). */
  latencyFrom?: number
  /** Typist slots whose progress this client reports back (backpressure). */
  acks: number[]
  /** Kill the server as soon as this client holds `clock` of typist `slot`. */
  kill?: { pid: number; slot: number; clock: number }
}

const EMPTY_UPDATE = new Uint8Array([0, 0])
const EMPTY_STATE_VECTOR = new Uint8Array([0])

export class LoadClient {
  readonly spec: ClientSpec
  readonly wire: Wire
  readonly counters: SharedCounters
  #ws: WebSocket | undefined
  /** The clock held of every Yjs client id seen. */
  readonly held = new Map<number, number>()
  duty: ReceiveDuty = { acks: [] }
  latencies: number[] = []
  awarenessReceived = 0
  updatesReceived = 0
  /** Updates that skipped clocks of their client: a lost or reordered update. */
  gaps = 0
  closedEarly = false
  /** The typist slot this client types as, if it types. */
  typingSlot = -1
  /** The clock of this client's next presence update. */
  presenceClock = 0
  error: string | undefined
  #onChange: (() => void) | undefined
  #step2At = 0

  constructor(spec: ClientSpec, counters: SharedCounters) {
    this.spec = spec
    this.wire = new Wire(spec.framing, spec.docName)
    this.counters = counters
  }

  /** Connects and syncs; bounded by `timeoutMs`. Never throws: a failure is reported. */
  async open(expect: Expectation, timeoutMs: number): Promise<Opened> {
    const started = wallClockMs()
    const result: Opened = { index: this.spec.index, openMs: NaN, step2Ms: NaN, syncedMs: NaN, held: [] }
    try {
      const ws = new WebSocket(this.spec.url, { perMessageDeflate: false, maxPayload: 512 * 1024 * 1024 })
      this.#ws = ws
      ws.on('message', (data: Buffer) => this.#receive(data))
      ws.on('error', (error) => {
        this.error ??= error.message
      })
      ws.on('close', () => {
        this.closedEarly = true
        this.#onChange?.()
      })
      await this.#until(
        timeoutMs,
        started,
        () => ws.readyState === WebSocket.OPEN,
        'open',
        () => ws.once('open', () => this.#onChange?.()),
      )
      result.openMs = wallClockMs() - started
      for (const frame of this.wire.hello(EMPTY_STATE_VECTOR)) ws.send(frame)
      const synced = () => (this.spec.framing === 'relay' || this.#step2At > 0) && expect.every(([id, clock]) => (this.held.get(id) ?? 0) >= clock)
      await this.#until(timeoutMs, started, synced, 'sync')
      result.step2Ms = this.spec.framing === 'relay' ? result.openMs : this.#step2At - started
      result.syncedMs = wallClockMs() - started
    } catch (error) {
      result.error = [error instanceof Error ? error.message : String(error), this.error].filter(Boolean).join(': ')
    }
    result.held = expect.map(([id]) => this.held.get(id) ?? 0)
    if (result.error === undefined && Number.isNaN(result.step2Ms) && this.#step2At > 0) result.step2Ms = this.#step2At - started
    return result
  }

  send(frame: Uint8Array): void {
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(frame)
  }

  /** Bytes queued on this client's socket, not yet handed to the kernel. */
  get buffered(): number {
    return this.#ws?.bufferedAmount ?? 0
  }

  close(): void {
    this.#onChange = undefined
    this.#ws?.removeAllListeners('close')
    this.#ws?.terminate()
  }

  /** Clears what the last run recorded. */
  resetRun(duty: ReceiveDuty): void {
    this.duty = duty
    this.latencies = []
    this.awarenessReceived = 0
    this.updatesReceived = 0
    this.gaps = 0
  }

  #until(timeoutMs: number, started: number, done: () => boolean, what: string, arm?: () => void): Promise<void> {
    if (done()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`no ${what} within ${timeoutMs} ms`)), Math.max(0, started + timeoutMs - wallClockMs()))
      const finish = (error?: Error) => {
        clearTimeout(timer)
        this.#onChange = undefined
        if (error) reject(error)
        else resolve()
      }
      this.#onChange = () => {
        if (done()) finish()
        else if (this.closedEarly) finish(new Error(`closed before ${what}`))
      }
      arm?.()
    })
  }

  #receive(data: Buffer): void {
    const message = this.wire.read(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    switch (message.kind) {
      case 'step1':
        // What a stock client with nothing to add answers.
        this.send(this.wire.step2(EMPTY_UPDATE))
        break
      case 'step2':
        if (this.#step2At === 0) this.#step2At = wallClockMs()
        this.#take(message.update)
        break
      case 'update':
        this.updatesReceived++
        this.#take(message.update)
        break
      case 'awareness':
        this.awarenessReceived++
        break
      case 'other':
        break
    }
    this.#onChange?.()
  }

  /** Notes the clock ranges an update carries; times and acknowledges the typists' ones. */
  #take(update: Uint8Array): void {
    forEachClockRange(update, this.#takeRange)
  }

  readonly #takeRange = (clientId: number, start: number, end: number): void => {
    const held = this.held.get(clientId) ?? 0
    if (end <= held) return
    this.held.set(clientId, end)
    const slot = this.counters.slotOf(clientId)
    // Its own updates come back from some servers and not from others: they prove nothing.
    if (slot === this.typingSlot) return
    if (start > held) this.gaps++
    if (slot < 0) return
    const { latencyFrom, acks, kill } = this.duty
    if (latencyFrom !== undefined) {
      const now = wallClockMs()
      for (let clock = Math.max(start, held); clock < end; clock++) {
        const sentAt = this.counters.sentAt(slot, clock)
        if (sentAt >= latencyFrom) this.latencies.push(now - sentAt)
      }
    }
    if (acks.includes(slot)) this.counters.ack(slot, end)
    if (kill && kill.slot === slot && end >= kill.clock) {
      process.kill(kill.pid, 'SIGKILL')
      this.duty = { ...this.duty, kill: undefined }
    }
  }
}
