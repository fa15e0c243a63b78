import type { CloseCode, Role } from '@quire/shared'
import type { Clock, Timer } from '../../src/clock.js'
import type { DocStore } from '../../src/storage/doc-store.js'
import type { UpdateWriter, WriteSource } from '../../src/sync/pending-writes.js'
import type { Peer } from '../../src/sync/room.js'

/** A group commit that writes only when a test says so, into the store it was given. */
export class ManualWriter implements UpdateWriter {
  readonly #store: DocStore
  readonly #waiting = new Set<WriteSource>()

  constructor(store: DocStore) {
    this.#store = store
  }

  schedule(source: WriteSource): void {
    this.#waiting.add(source)
  }

  /** Whether anything waits to be written. */
  get pending(): boolean {
    return this.#waiting.size > 0
  }

  /** Writes what is queued as one batch, then lets each source apply and relay it. */
  async flush(): Promise<void> {
    const batch = [...this.#waiting].map((source) => ({ source, entries: source.takeQueued() }))
    this.#waiting.clear()
    const seqs = await this.#store.appendUpdates(batch.flatMap(({ entries }) => entries))
    let taken = 0
    for (const { source, entries } of batch) {
      source.committed(seqs.slice(taken, taken + entries.length))
      taken += entries.length
    }
  }

  /** Takes what is queued and fails it, as a full disk would. */
  fail(): void {
    const sources = [...this.#waiting]
    this.#waiting.clear()
    for (const source of sources) {
      source.takeQueued()
      source.failed()
    }
  }
}

/** A socket as the room sees it, recording what the room does to it. */
export class MemoryPeer implements Peer {
  readonly role: Role
  readonly canWrite: boolean
  readonly canComment: boolean
  readonly sent: Uint8Array[] = []
  closed: { code: CloseCode; detail?: string } | undefined
  probes = 0

  constructor(role: Role = 'edit') {
    this.role = role
    this.canWrite = role === 'owner' || role === 'edit'
    this.canComment = role !== 'view'
  }

  send(message: Uint8Array): void {
    if (!this.closed) this.sent.push(message)
  }

  probe(): void {
    this.probes++
  }

  close(code: CloseCode, detail?: string): void {
    this.closed ??= { code, detail }
  }

  /** What it was sent since the last call. */
  take(): Uint8Array[] {
    return this.sent.splice(0)
  }
}

/** A clock that moves only when a test moves it. */
export class FakeClock implements Clock {
  #now = Date.parse('2026-06-15T12:00:00.000Z')
  #timers = new Map<{ id: number }, { at: number; run: () => void }>()
  #nextId = 0

  now(): number {
    return this.#now
  }

  setTimeout(run: () => void, ms: number): Timer {
    const timer = { id: this.#nextId++ }
    this.#timers.set(timer, { at: this.#now + ms, run })
    return timer
  }

  clearTimeout(timer: Timer | undefined): void {
    if (timer) this.#timers.delete(timer as { id: number })
  }

  /** Moves time on by `ms`, running every timer that falls due, in order. */
  advance(ms: number): void {
    const until = this.#now + ms
    for (;;) {
      const due = [...this.#timers].filter(([, { at }]) => at <= until).sort(([, a], [, b]) => a.at - b.at)[0]
      if (!due) break
      this.#timers.delete(due[0])
      this.#now = due[1].at
      due[1].run()
    }
    this.#now = until
  }
}
