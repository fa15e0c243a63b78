/**
 * What clients do during a run: typists send single-character (or larger) updates at a
 * steady rate or as fast as their window of unacknowledged updates allows; cursors move a
 * client's presence at a steady rate.
 */
import * as Y from 'yjs'
import { sleep, wallClockMs } from './clock.js'
import { TYPIST_CLIENT_BASE } from './counters.js'
import type { LoadClient } from './load-client.js'

export interface TypistPlan {
  /** The client (run-wide index) that types, and its document. */
  client: number
  docName: string
  slot: number
  /** Updates to send at most. */
  updates: number
  /** Characters per update (default 1: one keystroke). */
  chars?: number
  /** A steady rate; without it the typist goes as fast as `window` allows. */
  ratePerSecond?: number
  /** Updates sent but not yet seen by the typist's acknowledging client, at most. */
  window?: number
  /**
   * `append` types at the end; `typing` also jumps back somewhere every 50th keystroke;
   * `anywhere` puts every keystroke at a random place of the typist's text.
   */
  pattern?: 'append' | 'typing' | 'anywhere'
}

export interface CursorPlan {
  client: number
  ratePerSecond: number
  updates: number
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz'
/** Sends between yields to the event loop while the window is open. */
const BURST = 32

/** A small deterministic generator, so that every run types the same document. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Types `plan.updates` updates (or until `deadline`); returns how many were sent. */
export async function type(plan: TypistPlan, client: LoadClient, deadline: number): Promise<number> {
  const counters = client.counters
  client.typingSlot = plan.slot
  const doc = new Y.Doc()
  doc.clientID = TYPIST_CLIENT_BASE + plan.slot
  const text = doc.getText('bench')
  const chars = plan.chars ?? 1
  const chunk = LETTERS.repeat(Math.ceil(chars / LETTERS.length)).slice(0, chars)
  const next = random(plan.slot + 1)
  let update: Uint8Array = new Uint8Array()
  doc.on('update', (u: Uint8Array) => (update = u))
  let clock = 0
  let sent = 0
  const sendOne = () => {
    const jump = plan.pattern === 'anywhere' || (plan.pattern === 'typing' && sent % 50 === 49)
    const at = jump ? Math.floor(next() * (text.length + 1)) : text.length
    text.insert(at, chunk)
    counters.markSent(plan.slot, clock, wallClockMs(), chars)
    client.send(client.wire.update(update))
    clock += chars
    sent++
  }
  try {
    if (plan.ratePerSecond !== undefined) {
      const period = 1000 / plan.ratePerSecond
      let due = wallClockMs()
      while (sent < plan.updates && wallClockMs() < deadline) {
        const wait = due - wallClockMs()
        if (wait > 0) await sleep(wait)
        sendOne()
        // A typist that fell behind skips the ticks it missed rather than bursting.
        due = Math.max(due + period, wallClockMs())
      }
    } else {
      const window = (plan.window ?? 16) * chars
      while (sent < plan.updates && wallClockMs() < deadline) {
        const acked = counters.acked(plan.slot)
        if (clock - acked >= window) {
          await counters.ackedChange(plan.slot, acked, 50)
          continue
        }
        sendOne()
        if (sent % BURST === 0) await new Promise((resolve) => setImmediate(resolve))
      }
    }
  } finally {
    counters.markDone(plan.slot)
    doc.destroy()
  }
  return sent
}

/** The presence id of a client, and its state: a name, a colour and a caret, as editors send. */
export const PRESENCE_CLIENT_BASE = 2_000_000

export function presenceState(index: number, move: number): string {
  const position = (offset: number) => ({
    type: { client: TYPIST_CLIENT_BASE, clock: 0 },
    tname: null,
    item: { client: TYPIST_CLIENT_BASE, clock: (move * 7 + offset) % 10_000 },
    assoc: 0,
  })
  return JSON.stringify({
    user: { name: `Reader ${index}`, color: `#${((index * 2654435761) % 0xffffff).toString(16).padStart(6, '0')}` },
    cursor: { anchor: position(0), head: position(move % 5) },
  })
}

/** Sends the client's presence, one clock further than last time (a caret that moved). */
export function sendPresence(client: LoadClient): void {
  const index = client.spec.index
  const clock = client.presenceClock++
  client.send(client.wire.awareness(PRESENCE_CLIENT_BASE + index, clock, presenceState(index, clock)))
}

/** Moves the client's caret `plan.updates` times at a steady rate (or until `deadline`). */
export async function moveCursor(plan: CursorPlan, client: LoadClient, deadline: number): Promise<number> {
  const period = 1000 / plan.ratePerSecond
  let due = wallClockMs()
  let moves = 0
  while (moves < plan.updates && wallClockMs() < deadline) {
    const wait = due - wallClockMs()
    if (wait > 0) await sleep(wait)
    moves++
    sendPresence(client)
    due = Math.max(due + period, wallClockMs())
  }
  return moves
}
