/**
 * Live memory of a server process, the same way for every server: each is started with
 * `--expose-gc` and a tiny preloaded hook that, on SIGUSR2, runs a full garbage collection
 * and prints `process.memoryUsage()`. RSS is then read from /proc: what is left after the
 * collection, so that figures do not depend on when V8 last felt like collecting.
 */
import { sampleProcess } from './proc.js'
import type { ServerProcess } from './server-process.js'

export const MEMORY_PROBE_MARK = 'bench-memory:'
const HOOK = `process.on('SIGUSR2', () => { globalThis.gc?.(); process.stderr.write('${MEMORY_PROBE_MARK}' + JSON.stringify(process.memoryUsage()) + '\\n') })`

/** node options that install the hook; harmless until the signal arrives. */
export const MEMORY_PROBE_ARGS = ['--expose-gc', '--import', `data:text/javascript,${encodeURIComponent(HOOK)}`]

export interface LiveMemory {
  /** RSS after a full collection (from /proc). */
  rssBytes: number
  /** JS heap in use plus memory of objects outside it (Buffers, native), after the collection. */
  heapBytes: number
}

/** Bounded generously: a server whose event loop is busy (a synchronous SQLite write) answers late. */
export async function liveMemory(server: ServerProcess, timeoutMs = 60_000): Promise<LiveMemory> {
  const line = server.nextOutputLine((text) => text.startsWith(MEMORY_PROBE_MARK), timeoutMs)
  process.kill(server.pid, 'SIGUSR2')
  const usage = JSON.parse((await line).slice(MEMORY_PROBE_MARK.length)) as NodeJS.MemoryUsage
  return { rssBytes: sampleProcess(server.pid).rssBytes, heapBytes: usage.heapUsed + usage.external }
}
