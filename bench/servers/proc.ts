/**
 * A server's CPU time and memory as the OS counts them, from /proc/<pid>: the figures
 * include every thread of the process (the libuv pool, LevelDB's compactor, V8's GC helpers)
 * that is alive when they are read.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

export interface ProcSample {
  /** User + system CPU time since the process started. */
  cpuSeconds: number
  rssBytes: number
  /** The highest RSS the process has had (VmHWM). */
  peakRssBytes: number
}

function clockTicksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
}

const TICKS_PER_SECOND = clockTicksPerSecond()

/** CPU time from the scheduler's per-thread nanosecond counters; clock ticks (10 ms) where they are missing. */
function cpuSeconds(pid: number): number {
  try {
    let nanos = 0
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        nanos += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0])
      } catch {
        // the thread ended between the listing and the read
      }
    }
    return nanos / 1e9
  } catch {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
  }
}

export function sampleProcess(pid: number): ProcSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024
  return { cpuSeconds: cpuSeconds(pid), rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM') }
}

/** CPU seconds spent between two samples. */
export function cpuBetween(before: ProcSample, after: ProcSample): number {
  return after.cpuSeconds - before.cpuSeconds
}

/**
 * Resolves once the process has used (almost) no CPU for `quietMs`: a server that writes
 * behind its broadcasts has then written what it was given. Gives up after `timeoutMs`.
 */
export async function waitUntilIdle(pid: number, quietMs = 600, timeoutMs = 60_000): Promise<boolean> {
  const started = Date.now()
  let last = sampleProcess(pid).cpuSeconds
  let quietSince = Date.now()
  while (Date.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    const now = sampleProcess(pid).cpuSeconds
    // One clock tick of CPU in 100 ms is a timer or a ping, not work.
    if (now - last > 1.5 / TICKS_PER_SECOND) quietSince = Date.now()
    last = now
    if (Date.now() - quietSince >= quietMs) return true
  }
  return false
}

/** CPU seconds the whole machine has been busy (all cores, from /proc/stat). */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number)
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICKS_PER_SECOND
}

/**
 * Watches a measurement window: the server's CPU, and what the rest of the machine (neither
 * the server nor this benchmark's own process) used meanwhile, so that a run disturbed by
 * other work can be told apart.
 */
export class CpuWindow {
  readonly #pids: number[]
  readonly #start: { server: number; self: number; machine: number; at: number }

  /** `serverPids`: the server's process, or every instance of a cluster. */
  constructor(serverPids: number | number[]) {
    this.#pids = typeof serverPids === 'number' ? [serverPids] : serverPids
    this.#start = this.#now()
  }

  #now() {
    return {
      server: this.#pids.reduce((sum, pid) => sum + sampleProcess(pid).cpuSeconds, 0),
      self: sampleProcess(process.pid).cpuSeconds,
      machine: machineBusySeconds(),
      at: performance.now(),
    }
  }

  /**
   * CPU seconds of the server so far, wall seconds, and in % of one core what the load
   * clients (this process) and the rest of the machine used.
   */
  read(): { serverSeconds: number; wallSeconds: number; clientCpuPercent: number; otherCpuPercent: number } {
    const end = this.#now()
    const wallSeconds = (end.at - this.#start.at) / 1000
    const serverSeconds = end.server - this.#start.server
    const clientSeconds = end.self - this.#start.self
    const others = end.machine - this.#start.machine - serverSeconds - clientSeconds
    return {
      serverSeconds,
      wallSeconds,
      clientCpuPercent: (100 * clientSeconds) / wallSeconds,
      otherCpuPercent: Math.max(0, (100 * others) / wallSeconds),
    }
  }
}

/**
 * Waits (at most `maxWaitMs`) for a moment when the rest of the machine uses less than
 * `thresholdPercent` of one core, so that a measurement does not start in the middle of
 * someone else's build. Returns what the others used in the last second.
 */
export async function waitForQuietMachine(maxWaitMs: number, thresholdPercent = 20): Promise<number> {
  if (maxWaitMs <= 0) return NaN
  const until = Date.now() + maxWaitMs
  for (;;) {
    const machine = machineBusySeconds()
    const self = sampleProcess(process.pid).cpuSeconds
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    const others = machineBusySeconds() - machine - (sampleProcess(process.pid).cpuSeconds - self)
    const percent = Math.max(0, others * 100)
    if (percent < thresholdPercent || Date.now() >= until) return percent
  }
}
