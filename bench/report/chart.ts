/**
 * The chart of a run, as an SVG file: fan-out latency (p50 dashed, p99 solid; p95 as dots,
 * on a log scale) against the number of clients, and sustained throughput per server.
 */
import type { FanoutResult } from '../scenarios/fanout.js'
import type { ThroughputResult } from '../scenarios/throughput.js'
import type { ServerId } from '../servers/server-kind.js'
import type { Results } from './table.js'

const COLORS: Record<ServerId, string> = {
  relay: '#888888',
  'y-websocket': '#d08c1f',
  hocuspocus: '#7a4fc9',
  quire: '#1f8a4c',
  'quire-fsync': '#5fc48a',
  'quire-postgres': '#2f6fb0',
  'quire-cluster': '#b0442f',
}
const SHORT: Record<ServerId, string> = {
  relay: 'raw relay',
  'y-websocket': 'y-websocket',
  hocuspocus: 'Hocuspocus',
  quire: 'Quire',
  'quire-fsync': 'Quire, fsync',
  'quire-postgres': 'Quire, PostgreSQL',
  'quire-cluster': 'Quire, 3 instances',
}
const WIDTH = 980
const HEIGHT = 400
const PANEL = { top: 70, bottom: 330, leftA: 60, rightA: 480, leftB: 630, rightB: 950 }

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const text = (x: number, y: number, content: string, attrs = '') => `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${escape(content)}</text>`

/** A round upper bound for an axis. */
function niceMax(value: number): number {
  if (!(value > 0)) return 1
  const magnitude = 10 ** Math.floor(Math.log10(value))
  return [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((m) => m >= value) ?? 10 * magnitude
}

/** 1, 2, 5, 10, 20, 50 … from below `low` to above `high`: the ticks of a log axis. */
function logTicks(low: number, high: number): number[] {
  const ticks: number[] = []
  for (let magnitude = 10 ** Math.floor(Math.log10(low)); ticks.at(-1) === undefined || ticks.at(-1)! < high; magnitude *= 10) {
    for (const m of [1, 2, 5]) {
      const tick = m * magnitude
      if (tick * 2.5 > low && (ticks.at(-1) ?? 0) < high) ticks.push(tick)
    }
  }
  return ticks
}

function ok<T>(value: unknown): T | undefined {
  return value === undefined || (typeof value === 'object' && value !== null && 'error' in value) ? undefined : (value as T)
}

export function renderChart(results: Results, servers: { id: ServerId; label: string }[], caption: string): string {
  const parts: string[] = []
  const fanouts = servers.map((s) => ({ ...s, points: ok<FanoutResult>(results.fanout?.[s.id]) ?? [] }))
  const counts = [...new Set(fanouts.flatMap((f) => f.points.map((p) => p.clients)))].sort((a, b) => a - b)
  const values = fanouts.flatMap((f) => f.points.flatMap((p) => [p.p50, p.p99])).filter((v) => v > 0)
  const ticks = logTicks(Math.min(1, ...values), Math.max(10, ...values))
  const [low, high] = [ticks[0]!, ticks.at(-1)!]
  const x = (i: number) => PANEL.leftA + (PANEL.rightA - PANEL.leftA) * (counts.length > 1 ? i / (counts.length - 1) : 0.5)
  const y = (v: number) => PANEL.bottom - ((PANEL.bottom - PANEL.top) * (Math.log10(Math.max(v, low)) - Math.log10(low))) / (Math.log10(high) - Math.log10(low))

  parts.push(text(PANEL.leftA, 40, 'Fan-out latency, send → every other client (ms, log scale)', 'font-weight="bold"'))
  parts.push(text(PANEL.leftA, 54, 'p99 solid · p95 dots · p50 dashed', 'font-size="10" fill="#555"'))
  for (const tick of ticks) {
    parts.push(`<line x1="${PANEL.leftA}" x2="${PANEL.rightA}" y1="${y(tick)}" y2="${y(tick)}" stroke="#e4e4e4"/>`)
    parts.push(text(PANEL.leftA - 8, y(tick) + 4, String(tick), 'text-anchor="end"'))
  }
  counts.forEach((clients, i) => parts.push(text(x(i), PANEL.bottom + 20, `${clients} clients`, 'text-anchor="middle"')))
  for (const fanout of fanouts) {
    const color = COLORS[fanout.id]
    const at = (pick: (p: FanoutResult[number]) => number) =>
      fanout.points.map((p) => `${x(counts.indexOf(p.clients)).toFixed(1)},${y(pick(p)).toFixed(1)}`).join(' ')
    if (fanout.points.length === 0) continue
    parts.push(`<polyline points="${at((p) => p.p99)}" fill="none" stroke="${color}" stroke-width="2.5"/>`)
    parts.push(`<polyline points="${at((p) => p.p50)}" fill="none" stroke="${color}" stroke-width="1.5" stroke-dasharray="5 4"/>`)
    for (const p of fanout.points) parts.push(`<circle cx="${x(counts.indexOf(p.clients))}" cy="${y(p.p95)}" r="3" fill="${color}"/>`)
  }

  const rows = servers.map((s) => ({ ...s, result: ok<ThroughputResult>(results.throughput?.[s.id]) })).filter((r) => r.result)
  const tMax = niceMax(Math.max(0, ...rows.map((r) => r.result!.updatesPerSecond)))
  const barHeight = Math.min(44, (PANEL.bottom - PANEL.top) / Math.max(1, rows.length) - 14)
  parts.push(text(PANEL.leftB - 80, 40, 'Throughput, 20 clients (updates/s · server CPU per update)', 'font-weight="bold"'))
  rows.forEach((row, i) => {
    const top = PANEL.top + i * (barHeight + 14)
    const length = ((PANEL.rightB - PANEL.leftB) * row.result!.updatesPerSecond) / tMax
    parts.push(text(PANEL.leftB - 8, top + barHeight / 2 + 4, SHORT[row.id], 'text-anchor="end"'))
    parts.push(`<rect x="${PANEL.leftB}" y="${top}" width="${length.toFixed(1)}" height="${barHeight}" fill="${COLORS[row.id]}"/>`)
    const label = `${Math.round(row.result!.updatesPerSecond)} /s · ${Math.round(row.result!.serverCpuMicrosPerUpdate)} µs`
    const inside = length > 150
    parts.push(
      text(inside ? PANEL.leftB + length - 6 : PANEL.leftB + length + 6, top + barHeight / 2 + 4, label, inside ? 'text-anchor="end" fill="#fff"' : ''),
    )
  })

  servers.forEach((s, i) => {
    const lx = PANEL.leftA + i * Math.min(190, (WIDTH - PANEL.leftA - 60) / servers.length)
    parts.push(`<rect x="${lx}" y="${HEIGHT - 30}" width="14" height="14" fill="${COLORS[s.id]}"/>`)
    parts.push(text(lx + 20, HEIGHT - 18, s.label))
  })
  parts.push(text(WIDTH - 10, HEIGHT - 4, caption, 'text-anchor="end" font-size="10" fill="#777"'))
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n')
}
