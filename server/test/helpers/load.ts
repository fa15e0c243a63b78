import { readdirSync } from 'node:fs'
import { MEMORY_PROBE_ARGS, MEMORY_PROBE_MARK } from '../../../bench/servers/memory-probe.js'
import { startChildServer, type ChildServer } from './child-server.js'
import { createDoc, type TestDoc } from './server.js'
import { waitFor } from './wait.js'

/**
 * Load tests run small in `npm test`; `QUIRE_LOAD_SCALE=full` runs them at the sizes the
 * robustness issue names.
 */
export const FULL_SCALE = process.env.QUIRE_LOAD_SCALE === 'full'
export const sized = (small: number, full: number): number => (FULL_SCALE ? full : small)

/** Settings that let one test address open thousands of sockets and documents. */
export const LOAD_ENV = {
  CREATE_RATE_PER_MINUTE: '1000000',
  MAX_SOCKETS_PER_ADDRESS: '100000',
}

/** The built server with the benchmark's memory probe: a full GC and a heap figure on demand. */
export function startProbedServer(env: Record<string, string>): Promise<ChildServer> {
  return startChildServer({ ...LOAD_ENV, ...env }, MEMORY_PROBE_ARGS)
}

export interface LiveFigures {
  /** JS heap in use after a full collection. */
  heapUsed: number
  /** Memory of objects outside the heap (Buffers), after the collection. */
  external: number
  /** Open file descriptors: files, sockets, pipes. */
  fds: number
}

/** The server's heap after a full GC, and its open file descriptors (from /proc). */
export async function liveFigures(child: ChildServer): Promise<LiveFigures> {
  const from = child.output().length
  child.process.kill('SIGUSR2')
  const line = await waitFor(
    'the memory probe to answer',
    () =>
      child
        .output()
        .slice(from)
        .split('\n')
        .find((l) => l.startsWith(MEMORY_PROBE_MARK)),
    30_000,
  )
  const usage = JSON.parse(line.slice(MEMORY_PROBE_MARK.length)) as NodeJS.MemoryUsage
  return { heapUsed: usage.heapUsed, external: usage.external, fds: readdirSync(`/proc/${child.process.pid}/fd`).length }
}

/** The value of one sample in Prometheus' text format (0 when absent). */
export function sample(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(labels ? `${name}{${labels}}` : `${name} `))
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0
}

export async function scrape(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text()
}

/** Sum of a labelled gauge or counter over all its labels. */
export function sampleSum(text: string, name: string): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0)
}

/** Creates `count` documents, `parallel` requests at a time. */
export async function createDocs(url: string, count: number, parallel = 16): Promise<TestDoc[]> {
  const docs: TestDoc[] = []
  for (let i = 0; i < count; i += parallel) {
    docs.push(...(await Promise.all(Array.from({ length: Math.min(parallel, count - i) }, () => createDoc(url)))))
  }
  return docs
}

/** Waits until the server holds no room and no socket, as its metrics say. */
export async function waitForEmpty(url: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    'every room and socket to go',
    async () => {
      const text = await scrape(url)
      return sample(text, 'quire_rooms_open') === 0 && sampleSum(text, 'quire_sockets_open') === 0
    },
    timeoutMs,
  )
}

export const MB = 1024 * 1024
