/**
 * The run as Markdown: one row per figure, one column per server, then Quire's targets from
 * the issue as ratios to the references measured in the same run.
 */
import type { ColdLoadResult } from '../scenarios/cold-load.js'
import type { DurabilityResult } from '../scenarios/durability.js'
import type { FanoutResult } from '../scenarios/fanout.js'
import type { JoinStormResult } from '../scenarios/join-storm.js'
import type { ManyDocsResult } from '../scenarios/many-docs.js'
import type { PresenceResult } from '../scenarios/presence.js'
import type { ThroughputResult } from '../scenarios/throughput.js'
import type { ServerId } from '../servers/server-kind.js'

export type Results = Record<string, Partial<Record<ServerId, unknown>>>

interface Typed {
  fanout: FanoutResult
  'steady-fanout': FanoutResult
  throughput: ThroughputResult
  editing: ThroughputResult
  'many-docs': ManyDocsResult
  'cold-load': ColdLoadResult
  'join-storm': JoinStormResult
  presence: PresenceResult
  durability: DurabilityResult
}

/** A scenario's result for one server, or undefined when it did not run or failed. */
function get<K extends keyof Typed>(results: Results, scenario: K, server: ServerId): Typed[K] | undefined {
  const value = results[scenario]?.[server]
  if (value === undefined || (typeof value === 'object' && value !== null && 'error' in value)) return undefined
  return value as Typed[K]
}

const whole = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US').replace(/,/g, ' ') : '–')
const fixed = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–')
const ms = (n: number) => (n >= 100 ? whole(n) : fixed(n))

interface Row {
  figure: string
  cell(server: ServerId): string | undefined
}

function rows(results: Results, servers: ServerId[]): Row[] {
  const out: Row[] = []
  for (const [scenario, label] of [
    ['throughput', 'throughput, 20 clients typing at the end'],
    ['editing', 'throughput, 5 of 20 clients typing anywhere'],
  ] as const) {
    const relayThroughput = get(results, scenario, 'relay')?.updatesPerSecond
    out.push({
      figure: `${label}: updates/s (× the relay)`,
      cell: (s) => {
        const t = get(results, scenario, s)
        if (!t) return undefined
        return relayThroughput ? `${whole(t.updatesPerSecond)} (×${fixed(t.updatesPerSecond / relayThroughput, 2)})` : whole(t.updatesPerSecond)
      },
    })
    out.push({
      figure: `${label}: server CPU per update (µs)`,
      cell: (s) => {
        const t = get(results, scenario, s)
        return t && whole(t.serverCpuMicrosPerUpdate)
      },
    })
    out.push({
      figure: `${label}: CPU busy meanwhile, % of one core: server / load clients / other processes`,
      cell: (s) => {
        const t = get(results, scenario, s)
        return t && `${whole(t.serverCpuPercent)} / ${whole(t.clientCpuPercent)} / ${whole(t.otherCpuPercent)}`
      },
    })
    out.push({
      figure: `${label}: converged, every client / a fresh client`,
      cell: (s) => {
        const t = get(results, scenario, s)
        const yes = (b: boolean | null) => (b === null ? '–' : b ? 'yes' : 'NO')
        return t && `${yes(t.everyClientHoldsAll)} / ${yes(t.serverHoldsAll)}`
      },
    })
  }
  for (const [scenario, label] of [
    ['fanout', 'fan-out, 4 typists at 20/s'],
    ['steady-fanout', 'fan-out, 5 typists at 10/s'],
  ] as const) {
    const counts = [...new Set(servers.flatMap((s) => get(results, scenario, s)?.map((p) => p.clients) ?? []))].sort((a, b) => a - b)
    for (const clients of counts) {
      out.push({
        figure: `${label}, ${clients} clients: p50 / p95 / p99 / max (ms)`,
        cell: (s) => {
          const p = get(results, scenario, s)?.find((point) => point.clients === clients)
          return p && `${fixed(p.p50)} / ${fixed(p.p95)} / **${fixed(p.p99)}** / ${fixed(p.max)}${p.delivered ? '' : ' (incomplete)'}`
        },
      })
    }
  }
  const docs = servers.map((s) => get(results, 'many-docs', s)?.docs).find((n) => n !== undefined)
  out.push({
    figure: `${whole(docs ?? NaN)} documents × 2 clients: RSS per document with its 2 sockets, after GC (KiB; live heap)`,
    cell: (s) => {
      const m = get(results, 'many-docs', s)
      return m && `${whole(m.kibPerDocument)} (${whole(m.heapKibPerDocument)})`
    },
  })
  out.push({
    figure: 'the same per second socket (KiB; live heap)',
    cell: (s) => {
      const m = get(results, 'many-docs', s)
      return m && `${whole(m.kibPerSocket)} (${whole(m.heapKibPerSocket)})`
    },
  })
  out.push({
    figure: 'RSS of the idle server before any document, after GC (MiB)',
    cell: (s) => {
      const m = get(results, 'many-docs', s)
      return m && fixed(m.rssMiB.start)
    },
  })
  out.push({
    figure: 'many documents: connections/s until synced',
    cell: (s) => {
      const m = get(results, 'many-docs', s)
      return m && whole(m.connectionsPerSecond)
    },
  })
  out.push({
    figure: 'of which first joins (nobody has the document open) / joins to an open document: per second',
    cell: (s) => {
      const m = get(results, 'many-docs', s)
      return m && `${whole(m.firstJoinsPerSecond)} / ${whole(m.openJoinsPerSecond)}`
    },
  })
  const loadCell = (pick: (c: ColdLoadResult) => ColdLoadResult['asStored']) => (s: ServerId) => {
    const c = get(results, 'cold-load', s)
    if (!c) return undefined
    const t = pick(c)
    const early = t.firstAnswerMs < t.fullDocumentMs * 0.5 ? ` (an empty answer after ${ms(t.firstAnswerMs)})` : ''
    return `${ms(t.fullDocumentMs)}${early}`
  }
  const updates = servers.map((s) => get(results, 'cold-load', s)?.updates).find((n) => n !== undefined)
  out.push({
    figure: `cold load of ${whole(updates ?? NaN)} updates after a restart, as stored: connect → whole document (ms)`,
    cell: loadCell((c) => c.asStored),
  })
  out.push({ figure: 'the same after the server compacted its store (ms)', cell: loadCell((c) => c.compacted) })
  out.push({
    figure: 'bytes on disk: as stored / compacted (KiB)',
    cell: (s) => {
      const c = get(results, 'cold-load', s)
      return c && `${whole(c.asStored.bytesOnDisk / 1024)} / ${whole(c.compacted.bytesOnDisk / 1024)}`
    },
  })
  const storm = servers.map((s) => get(results, 'join-storm', s)).find(Boolean)
  out.push({
    figure: storm
      ? `join storm, ${storm.clients} clients on ${fixed(storm.docBytes / 2 ** 20)} MiB: synced p50 / p99 (ms)`
      : 'join storm: synced p50 / p99 (ms)',
    cell: (s) => {
      const j = get(results, 'join-storm', s)
      return j && `${ms(j.syncedP50Ms)} / ${ms(j.syncedP99Ms)}`
    },
  })
  out.push({
    figure: 'join storm: peak RSS (MiB) / server CPU (ms)',
    cell: (s) => {
      const j = get(results, 'join-storm', s)
      return j && `${whole(j.peakRssMiB)} / ${whole(j.serverCpuMs)}`
    },
  })
  const pres = servers.map((s) => get(results, 'presence', s)).find(Boolean)
  out.push({
    figure: pres
      ? `presence, ${pres.watchers} watchers: server µs per update per watcher, caret / document (ratio)`
      : 'presence: µs per update per watcher, caret / document',
    cell: (s) => {
      const p = get(results, 'presence', s)
      return p && `${fixed(p.awarenessMicrosPerWatcher, 2)} / ${fixed(p.updateMicrosPerWatcher, 2)} (${fixed(p.ratio, 2)})`
    },
  })
  const sent = servers.map((s) => get(results, 'durability', s)?.paced.sent).find((n) => n !== undefined)
  out.push({
    figure: `SIGKILL right after the last echo, ${whole(sent ?? NaN)} updates at 200/s: lost`,
    cell: (s) => {
      const d = get(results, 'durability', s)
      return d && whole(d.paced.lost)
    },
  })
  out.push({
    figure: 'the same, flat out: lost',
    cell: (s) => {
      const d = get(results, 'durability', s)
      return d && whole(d.flatOut.lost)
    },
  })
  return out
}

interface Target {
  goal: string
  measured: () => { value: number; text: string } | undefined
  pass: (value: number) => boolean
}

function targets(results: Results): Target[] {
  const ratio = (a: number | undefined, b: number | undefined, digits = 2) =>
    a === undefined || b === undefined || !(b > 0) ? undefined : { value: a / b, text: `×${fixed(a / b, digits)}` }
  const q = <K extends keyof Typed>(k: K) => get(results, k, 'quire')
  const fan = (server: ServerId, clients: number) => get(results, 'fanout', server)?.find((p) => p.clients === clients)?.p99
  const steady = (server: ServerId, clients: number, at: 'p50' | 'p99') => get(results, 'steady-fanout', server)?.find((p) => p.clients === clients)?.[at]
  /** The better of the two Yjs servers people would pick instead: the lower of a time, the higher of a rate. */
  const bestPeer = (figure: (server: ServerId) => number | undefined, better: (...values: number[]) => number = Math.min) => {
    const values = (['hocuspocus', 'y-websocket'] as const).map(figure).filter((v): v is number => v !== undefined)
    return values.length > 0 ? better(...values) : undefined
  }
  const steadyTargets: Target[] = [10, 50].flatMap((clients) =>
    (['p50', 'p99'] as const).map((at) => ({
      goal: `fan-out at 10/s, ${clients} clients, ${at} ≤ 1.0 × the better peer`,
      measured: () =>
        ratio(
          steady('quire', clients, at),
          bestPeer((s) => steady(s, clients, at)),
        ),
      pass: (v: number) => v <= 1,
    })),
  )
  return [
    ...steadyTargets,
    {
      goal: 'typing anywhere: throughput ≥ 1.25 × Hocuspocus',
      measured: () => ratio(q('editing')?.updatesPerSecond, get(results, 'editing', 'hocuspocus')?.updatesPerSecond),
      pass: (v) => v >= 1.25,
    },
    {
      goal: 'typing anywhere: server CPU per update ≤ 0.8 × Hocuspocus',
      measured: () => ratio(q('editing')?.serverCpuMicrosPerUpdate, get(results, 'editing', 'hocuspocus')?.serverCpuMicrosPerUpdate),
      pass: (v) => v <= 0.8,
    },
    {
      goal: 'joins/s to open documents ≥ 1.0 × the better peer',
      measured: () =>
        ratio(
          q('many-docs')?.openJoinsPerSecond,
          bestPeer((s) => get(results, 'many-docs', s)?.openJoinsPerSecond, Math.max),
        ),
      pass: (v) => v >= 1,
    },
    {
      goal: 'idle RSS ≤ Hocuspocus',
      measured: () => ratio(q('many-docs')?.rssMiB.start, get(results, 'many-docs', 'hocuspocus')?.rssMiB.start),
      pass: (v) => v <= 1,
    },
    {
      goal: 'throughput ≥ 1.25 × Hocuspocus',
      measured: () => ratio(q('throughput')?.updatesPerSecond, get(results, 'throughput', 'hocuspocus')?.updatesPerSecond),
      pass: (v) => v >= 1.25,
    },
    {
      goal: 'server CPU per update ≤ 0.8 × Hocuspocus',
      measured: () => ratio(q('throughput')?.serverCpuMicrosPerUpdate, get(results, 'throughput', 'hocuspocus')?.serverCpuMicrosPerUpdate),
      pass: (v) => v <= 0.8,
    },
    { goal: 'fan-out p99, 10 clients ≤ 1.1 × the relay', measured: () => ratio(fan('quire', 10), fan('relay', 10)), pass: (v) => v <= 1.1 },
    { goal: 'fan-out p99, 50 clients ≤ 1.1 × the relay', measured: () => ratio(fan('quire', 50), fan('relay', 50)), pass: (v) => v <= 1.1 },
    {
      goal: 'cold load as stored ≤ 0.15 × Hocuspocus',
      measured: () => ratio(q('cold-load')?.asStored.fullDocumentMs, get(results, 'cold-load', 'hocuspocus')?.asStored.fullDocumentMs),
      pass: (v) => v <= 0.15,
    },
    {
      goal: 'cold load compacted ≤ 0.15 × Hocuspocus',
      measured: () => ratio(q('cold-load')?.compacted.fullDocumentMs, get(results, 'cold-load', 'hocuspocus')?.compacted.fullDocumentMs),
      pass: (v) => v <= 0.15,
    },
    {
      goal: 'memory per document ≤ 0.5 × y-websocket',
      measured: () => ratio(q('many-docs')?.kibPerDocument, get(results, 'many-docs', 'y-websocket')?.kibPerDocument),
      pass: (v) => v <= 0.5,
    },
    {
      goal: 'presence: caret update per watcher ≤ document update',
      measured: () => {
        const p = q('presence')
        return p && { value: p.ratio, text: `×${fixed(p.ratio, 2)}` }
      },
      pass: (v) => v <= 1,
    },
    {
      goal: 'durability: 0 lost in every run',
      measured: () => {
        const d = q('durability')
        return d && { value: d.paced.lost + d.flatOut.lost, text: `${d.paced.lost} + ${d.flatOut.lost} lost` }
      },
      pass: (v) => v === 0,
    },
  ]
}

export function renderTable(results: Results, servers: { id: ServerId; label: string }[]): string {
  const ids = servers.map((s) => s.id)
  const lines = [`| figure | ${servers.map((s) => s.label).join(' | ')} |`, `| --- | ${servers.map(() => '---:').join(' | ')} |`]
  for (const row of rows(results, ids)) {
    const cells = ids.map((id) => row.cell(id))
    if (cells.every((cell) => cell === undefined)) continue
    lines.push(`| ${row.figure} | ${cells.map((cell) => cell ?? '–').join(' | ')} |`)
  }
  const failures = Object.entries(results).flatMap(([scenario, byServer]) =>
    Object.entries(byServer).flatMap(([server, value]) =>
      typeof value === 'object' && value !== null && 'error' in value ? [`- ${scenario} on ${server} failed: ${String(value.error)}`] : [],
    ),
  )
  if (ids.includes('quire')) {
    lines.push('', '| Quire target | measured | met |', '| --- | ---: | :---: |')
    for (const target of targets(results)) {
      const measured = target.measured()
      if (!measured) continue
      lines.push(`| ${target.goal} | ${measured.text} | ${target.pass(measured.value) ? 'yes' : '**no**'} |`)
    }
  }
  if (failures.length > 0) lines.push('', ...failures)
  return lines.join('\n')
}
