/**
 * The median of several runs, figure by figure, as one table: every number is the median of
 * the runs that have it, a yes/no holds only if it held in every run.
 *
 *   npx tsx bench/report/medians.ts bench/results/2026-*-quick.json
 */
import { readFileSync } from 'node:fs'
import type { ServerId } from '../servers/server-kind.js'
import type { Environment } from './environment.js'
import { median } from './stats.js'
import { renderTable, type Results } from './table.js'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** Combines values found at the same place in every run. */
export function combine(values: Json[]): Json {
  const present = values.filter((value) => value !== undefined && value !== null)
  const first = present[0]
  if (first === undefined) return null
  if (typeof first === 'number') return median(present.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)))
  if (typeof first === 'boolean') return present.every((v) => v === true)
  if (typeof first === 'string') return first
  if (Array.isArray(first)) {
    const length = Math.max(...present.map((v) => (Array.isArray(v) ? v.length : 0)))
    return Array.from({ length }, (_, i) => combine(present.map((v) => (Array.isArray(v) ? (v[i] as Json) : null))))
  }
  const objects = present.filter((v): v is { [key: string]: Json } => typeof v === 'object' && !Array.isArray(v))
  // A failed run ({ error }) does not count.
  const good = objects.filter((o) => !('error' in o))
  if (good.length === 0) return objects[0] ?? null
  const keys = [...new Set(good.flatMap((o) => Object.keys(o)))]
  return Object.fromEntries(keys.map((key) => [key, combine(good.map((o) => o[key] as Json))]))
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = process.argv.slice(2)
  if (files.length === 0) throw new Error('usage: medians.ts <results.json>…')
  const runs = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as { environment: Environment; results: Results })
  const results = combine(runs.map((run) => run.results as unknown as Json)) as unknown as Results
  const servers = new Map<ServerId, string>()
  for (const run of runs) for (const [id, label] of Object.entries(run.environment.servers)) servers.set(id as ServerId, label)
  const dates = runs.map((run) => run.environment.date.slice(0, 16).replace('T', ' ')).sort()
  console.log(`Medians of ${runs.length} runs (${dates[0]} … ${dates.at(-1)} UTC)\n`)
  console.log(
    renderTable(
      results,
      [...servers].map(([id, label]) => ({ id, label })),
    ),
  )
}
