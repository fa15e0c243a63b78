/**
 * The benchmark suite: Quire beside a raw ws relay, the classic y-websocket server and
 * Hocuspocus, each started here as its own process, in the same run on the same machine.
 *
 *   npm run bench                      the full run (under 15 minutes)
 *   npm run bench -- --quick           a smoke run (about a minute)
 *   npm run bench -- --servers quire,hocuspocus --scenarios throughput,presence
 *   npm run bench -- --cpu-prof        Quire writes a CPU profile per scenario into bench/results/profiles
 *   npm run bench -- --servers quire,quire-fsync    Quire without and with an fsync per batch
 *   npm run bench -- --servers hocuspocus,quire,quire-postgres    Quire on LevelDB and on PostgreSQL
 *   npm run bench -- --cluster         three instances on PostgreSQL + Redis, beside one on each store
 *   npm run bench -- --docs            also writes the table and chart into docs/
 *
 * Prints a table on stdout (progress on stderr) and writes JSON and an SVG chart under
 * bench/results/.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { LoadPool } from './clients/pool.js'
import { writeResults } from './report/results.js'
import { describeEnvironment } from './report/environment.js'
import { ALL_SERVERS, DEFAULT_SERVERS } from './servers/all.js'
import { clusterBusCounts } from './servers/quire-cluster.js'
import { waitForQuietMachine } from './servers/proc.js'
import { REPO_ROOT, type ServerId, type ServerKind } from './servers/server-kind.js'
import { SCENARIOS } from './scenarios/all.js'
import type { ScenarioContext } from './scenarios/context.js'
import { FULL, QUICK } from './settings.js'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    servers: { type: 'string' },
    scenarios: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    docs: { type: 'boolean', default: false },
    cluster: { type: 'boolean', default: false },
  },
})

/** --cluster: the cluster beside one instance on each store, on the scenarios where it differs. */
const CLUSTER_RUN = { servers: ['quire', 'quire-postgres', 'quire-cluster'], scenarios: ['fanout', 'throughput'] }

const settings = values.quick ? QUICK : FULL
const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
const serverIds = list(values.servers) ?? (values.cluster ? CLUSTER_RUN.servers : [...DEFAULT_SERVERS])
const scenarioIds = list(values.scenarios) ?? (values.cluster ? CLUSTER_RUN.scenarios : SCENARIOS.map((scenario) => scenario.id))
for (const id of serverIds) if (!ALL_SERVERS.some((kind) => kind.id === id)) throw new Error(`unknown server ${id}`)
for (const id of scenarioIds) if (!SCENARIOS.some((scenario) => scenario.id === id)) throw new Error(`unknown scenario ${id}`)
const servers = ALL_SERVERS.filter((kind) => serverIds.includes(kind.id))
const scenarios = SCENARIOS.filter((scenario) => scenarioIds.includes(scenario.id))

const RESULTS = join(REPO_ROOT, 'bench/results')
const PROFILES = join(RESULTS, 'profiles')
const workRoot = await mkdtemp(join(tmpdir(), 'quire-bench-'))
const log = (line: string) => process.stderr.write(`${line}\n`)
const started = Date.now()
let currentScenario = ''
let quietBudget = settings.quietBudgetMs
let dirs = 0
let profiles = 0

const pool = LoadPool.start(settings.workers)
const context: ScenarioContext = {
  pool,
  settings,
  log,
  async dataDir() {
    const dir = join(workRoot, `data-${dirs++}`)
    await mkdir(dir, { recursive: true })
    return dir
  },
  async start(kind: ServerKind, dataDir: string, port?: number) {
    const nodeArgs =
      values['cpu-prof'] && kind.id.startsWith('quire')
        ? ['--cpu-prof', '--cpu-prof-dir', PROFILES, '--cpu-prof-name', `${currentScenario}-${kind.id}-${profiles++}.cpuprofile`]
        : []
    return kind.start({ dataDir, port, nodeArgs })
  },
}

const results: Record<string, Partial<Record<ServerId, unknown>>> = {}
try {
  for (const scenario of scenarios) {
    currentScenario = scenario.id
    results[scenario.id] = {}
    for (const kind of servers) {
      if (kind.id === 'relay' && !scenario.withRelay) continue
      const waitStarted = Date.now()
      const others = await waitForQuietMachine(Math.min(settings.quietWaitMs, quietBudget))
      quietBudget -= Date.now() - waitStarted
      log(`${scenario.title}: ${kind.label}${others >= 20 ? ` (other processes busy: ${Math.round(others)}% of a core)` : ''}`)
      const began = Date.now()
      try {
        results[scenario.id]![kind.id] = await scenario.run(kind, context)
        log(`  (${((Date.now() - began) / 1000).toFixed(1)} s)`)
      } catch (error) {
        log(`  failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
        results[scenario.id]![kind.id] = { error: error instanceof Error ? error.message : String(error) }
      }
    }
  }
} finally {
  await pool.stop()
  await rm(workRoot, { recursive: true, force: true })
  for (const kind of servers) await kind.cleanup?.()
}

const environment = describeEnvironment(settings, servers, Date.now() - started)
const table = await writeResults({ environment, results, servers, resultsDir: RESULTS, docs: values.docs })
process.stdout.write(`${table}\n`)
if (clusterBusCounts.length > 0) {
  const perUpdate = clusterBusCounts.map(({ updates, busMessages }) => (updates > 0 ? (busMessages / updates).toFixed(3) : '–'))
  process.stdout.write(`\nQuire cluster: bus messages per update taken, run by run: ${perUpdate.join(', ')}\n`)
}
log(`done in ${Math.round((Date.now() - started) / 1000)} s; results in bench/results/`)
