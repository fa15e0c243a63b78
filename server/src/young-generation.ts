/**
 * The young generation while the server starts. What the server builds as it starts (modules,
 * schemas, routes) lives as long as the process, yet V8 first places it in the young
 * generation and, seeing it survive, doubles that space at each collection, up to 32 MiB that
 * it keeps until it notices the process is at rest: about a fifth of an idle server's memory.
 * Imported before anything else by main.ts, this keeps the young generation at its first size
 * while the server starts, so what survives moves to the old space at once; once the server
 * listens, V8 grows it again as the load asks.
 */
import { setFlagsFromString } from 'node:v8'

/** V8's own factor: the young generation doubles once as much as it holds has survived. */
const GROWTH_FACTOR = 2

setFlagsFromString('--semi-space-growth-factor=1')

/** The server is up: the young generation grows with the load again. */
export function youngGenerationGrows(): void {
  setFlagsFromString(`--semi-space-growth-factor=${GROWTH_FACTOR}`)
}
