/**
 * Writes a run: the JSON (every figure and the environment) under bench/results, the chart
 * and the table beside it as latest(-quick).*, and with --docs the chart and the table into
 * docs/ (between the markers of docs/PERFORMANCE.md). Returns the text for stdout.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { REPO_ROOT, type ServerKind } from '../servers/server-kind.js'
import { renderChart } from './chart.js'
import type { Environment } from './environment.js'
import { renderTable, type Results } from './table.js'

export interface WriteOptions {
  environment: Environment
  results: Results
  servers: ServerKind[]
  resultsDir: string
  docs: boolean
}

const DOCS_PAGE = join(REPO_ROOT, 'docs/PERFORMANCE.md')
const DOCS_CHART = join(REPO_ROOT, 'docs/performance.svg')
const BEGIN = '<!-- bench:begin -->'
const END = '<!-- bench:end -->'

export function describeRun(environment: Environment): string {
  const packages = Object.entries(environment.packages)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ')
  return [
    `${environment.quick ? 'Quick run' : 'Full run'} of ${environment.date.slice(0, 16).replace('T', ' ')} UTC, commit ${environment.commit}, ` +
      `${environment.durationS} s: Node ${environment.node}, ${environment.cores} × ${environment.cpu}, ${environment.memoryGiB} GiB.`,
    `Servers: ${Object.values(environment.servers).join('; ')}. Packages: ${packages}.`,
  ].join('\n')
}

export async function writeResults({ environment, results, servers, resultsDir, docs }: WriteOptions): Promise<string> {
  await mkdir(resultsDir, { recursive: true })
  const stamp = environment.date.replace(/[:.]/g, '-')
  const suffix = environment.quick ? '-quick' : ''
  const labels = servers.map((kind) => ({ id: kind.id, label: kind.label }))
  const table = renderTable(results, labels)
  const chart = renderChart(results, labels, `${environment.quick ? 'quick run' : 'full run'} ${environment.date.slice(0, 10)} · ${environment.commit}`)
  const json = JSON.stringify({ environment, results }, null, 2)
  const report = `${describeRun(environment)}\n\n${table}\n`
  await writeFile(join(resultsDir, `${stamp}${suffix}.json`), json)
  await writeFile(join(resultsDir, `latest${suffix}.json`), json)
  await writeFile(join(resultsDir, `latest${suffix}.md`), report)
  await writeFile(join(resultsDir, `latest${suffix}.svg`), chart)
  if (docs) {
    const page = await readFile(DOCS_PAGE, 'utf8')
    const begin = page.indexOf(BEGIN)
    const end = page.indexOf(END)
    if (begin < 0 || end < begin) throw new Error(`docs/PERFORMANCE.md lacks the ${BEGIN} … ${END} markers`)
    await writeFile(DOCS_PAGE, `${page.slice(0, begin + BEGIN.length)}\n${report}${page.slice(end)}`)
    await writeFile(DOCS_CHART, chart)
  }
  return report
}
