import { coldLoad } from './cold-load.js'
import type { Scenario } from './context.js'
import { durability } from './durability.js'
import { fanout, steadyFanout } from './fanout.js'
import { joinStorm } from './join-storm.js'
import { manyDocs } from './many-docs.js'
import { presence } from './presence.js'
import { editing, throughput } from './throughput.js'

/** Every scenario, in the order they run. */
export const SCENARIOS: readonly Scenario<unknown>[] = [fanout, steadyFanout, throughput, editing, manyDocs, coldLoad, joinStorm, presence, durability]
