import { coldLoad } from './cold-load.js'
import type { Scenario } from './context.js'
import { durability } from './durability.js'
import { fanout } from './fanout.js'
import { joinStorm } from './join-storm.js'
import { manyDocs } from './many-docs.js'
import { presence } from './presence.js'
import { throughput } from './throughput.js'

/** Every scenario, in the order they run. */
export const SCENARIOS: readonly Scenario<unknown>[] = [fanout, throughput, manyDocs, coldLoad, joinStorm, presence, durability]
