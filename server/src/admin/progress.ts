import cliProgress from 'cli-progress'

/** Long operator work, documents done of all: a bar on a terminal, a line every few seconds elsewhere. */
export interface Progress {
  /** One more document done. */
  tick(): void
  /** Ends the bar; the caller prints the one-line summary. */
  stop(): void
}

/** Shows the progress of `label` towards `total` documents on `stream` (the command's stderr). */
export function showProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const terminal = stream.isTTY === true
  const bar = new cliProgress.SingleBar(
    {
      format: terminal
        ? `${label} [{bar}] {value}/{total} documents | {rate}/s | {eta_formatted} left`
        : `${label}: {value} of {total} documents, {rate}/s, {eta_formatted} left`,
      stream,
      noTTYOutput: true,
      notTTYSchedule: 2_000,
      hideCursor: terminal,
      etaBuffer: 100,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  )
  const started = performance.now()
  let done = 0
  bar.start(total, 0, { rate: '0' })
  return {
    tick() {
      done++
      const seconds = (performance.now() - started) / 1000
      // More documents than counted when the work began: the bar grows with them.
      if (done > bar.getTotal()) bar.setTotal(done)
      bar.increment(1, { rate: seconds > 0 ? (done / seconds).toFixed(1) : '–' })
    },
    stop() {
      bar.stop()
    },
  }
}
