/**
 * The sizes of every scenario: the full run (the figures, under 15 minutes on two
 * cores) and --quick (a smoke run of about a minute). Every loop of the suite is bounded by
 * these counts and durations.
 */
export interface FanoutSettings {
  clients: number[]
  typists: number
  ratePerSecond: number
  warmupMs: number
  measureMs: number
}

/** `typists` of the `clients` type (all of them without it), each `window` updates ahead of a reader at most. */
export interface ThroughputSettings {
  clients: number
  typists?: number
  window: number
  warmupMs: number
  measureMs: number
}

export interface Settings {
  quick: boolean
  /** Load worker threads. */
  workers: number
  /** How long to wait, before each measurement, for other processes to quieten down; in all. */
  quietWaitMs: number
  quietBudgetMs: number
  /** How long a server is left alone before its memory is read or the next phase starts. */
  settleMs: number
  fanout: FanoutSettings
  throughput: ThroughputSettings
  /** The same with fewer typists among readers, each keystroke at a random place. */
  editing: ThroughputSettings
  /** Fan-out with typists at a person's pace. */
  steadyFanout: FanoutSettings
  manyDocs: { docs: number }
  coldLoad: { updates: number; window: number; runs: number }
  joinStorm: { clients: number; docBytes: number; chunkBytes: number }
  presence: { watchers: number; movers: number; ratePerSecond: number; measureMs: number }
  /** `restoreTimeoutMs`: how long a fresh client waits for a restarted server's copy. */
  durability: { updates: number; ratePerSecond: number; restoreTimeoutMs: number }
}

export const FULL: Settings = {
  quick: false,
  workers: 2,
  quietWaitMs: 15_000,
  quietBudgetMs: 120_000,
  settleMs: 1_500,
  fanout: { clients: [10, 50, 200], typists: 4, ratePerSecond: 20, warmupMs: 1_000, measureMs: 8_000 },
  throughput: { clients: 20, window: 16, warmupMs: 2_000, measureMs: 10_000 },
  editing: { clients: 20, typists: 5, window: 64, warmupMs: 2_000, measureMs: 10_000 },
  steadyFanout: { clients: [10, 50], typists: 5, ratePerSecond: 10, warmupMs: 1_000, measureMs: 10_000 },
  manyDocs: { docs: 1_000 },
  coldLoad: { updates: 100_000, window: 64, runs: 3 },
  joinStorm: { clients: 150, docBytes: 4 * 1024 * 1024, chunkBytes: 16 * 1024 },
  presence: { watchers: 200, movers: 20, ratePerSecond: 10, measureMs: 6_000 },
  durability: { updates: 1_000, ratePerSecond: 200, restoreTimeoutMs: 3_000 },
}

export const QUICK: Settings = {
  quick: true,
  workers: 2,
  quietWaitMs: 0,
  quietBudgetMs: 0,
  settleMs: 300,
  fanout: { clients: [10, 50], typists: 4, ratePerSecond: 20, warmupMs: 200, measureMs: 1_000 },
  throughput: { clients: 20, window: 16, warmupMs: 300, measureMs: 1_200 },
  editing: { clients: 20, typists: 5, window: 64, warmupMs: 300, measureMs: 1_200 },
  steadyFanout: { clients: [10], typists: 5, ratePerSecond: 10, warmupMs: 200, measureMs: 1_500 },
  manyDocs: { docs: 100 },
  coldLoad: { updates: 3_000, window: 64, runs: 1 },
  joinStorm: { clients: 30, docBytes: 1024 * 1024, chunkBytes: 16 * 1024 },
  presence: { watchers: 50, movers: 10, ratePerSecond: 10, measureMs: 800 },
  durability: { updates: 100, ratePerSecond: 200, restoreTimeoutMs: 1_000 },
}
