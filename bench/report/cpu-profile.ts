/**
 * Where a CPU profile's time went: self time by function and by package, busy time only
 * (idle left out). For the profiles `npm run bench -- --cpu-prof` writes for Quire.
 *
 *   npx tsx bench/report/cpu-profile.ts bench/results/profiles/throughput-quire-0.cpuprofile [--top 30]
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

export interface Share {
  name: string
  ms: number
  percent: number
}

/** The package or part of the program a script belongs to. */
function origin(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)'
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (modules) return modules[1]!
  // node:internal/streams/writable → node:internal/streams
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/')
  const repo = /\/(server|shared|bench)\/(?:dist|src)?\/?(.*)$/.exec(url)
  if (repo) return `${repo[1]}/${repo[2]!.split('/')[0]}`
  return url
}

export function summarize(profile: Profile): { busyMs: number; byFunction: Share[]; byOrigin: Share[] } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const self = new Map<number, number>()
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const byFunction = new Map<string, number>()
  const byOrigin = new Map<string, number>()
  let busy = 0
  for (const [id, micros] of self) {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame
    if (functionName === '(idle)') continue
    busy += micros
    const where = url ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(server|bench|shared)\//, '$1/')}:${lineNumber + 1}` : ''
    const name = `${functionName || '(anonymous)'} ${where}`.trim()
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros)
    const from = origin(url, functionName)
    byOrigin.set(from, (byOrigin.get(from) ?? 0) + micros)
  }
  const shares = (map: Map<string, number>) =>
    [...map].map(([name, micros]) => ({ name, ms: micros / 1000, percent: (100 * micros) / busy })).sort((a, b) => b.ms - a.ms)
  return { busyMs: busy / 1000, byFunction: shares(byFunction), byOrigin: shares(byOrigin) }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } })
  const top = Number(values.top)
  for (const file of positionals) {
    const { busyMs, byFunction, byOrigin } = summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile)
    console.log(`\n${file}: ${busyMs.toFixed(0)} ms busy\n\nby package:`)
    for (const { name, ms, percent } of byOrigin.slice(0, top)) console.log(`${percent.toFixed(1).padStart(6)}% ${ms.toFixed(0).padStart(7)} ms  ${name}`)
    console.log('\nby function (self time):')
    for (const { name, ms, percent } of byFunction.slice(0, top)) console.log(`${percent.toFixed(1).padStart(6)}% ${ms.toFixed(0).padStart(7)} ms  ${name}`)
  }
}
