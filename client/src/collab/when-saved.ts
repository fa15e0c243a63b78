import type { SaveTracker } from './save-tracker.js'

/**
 * Resolves true once the server holds every local change, or false after `timeoutMs` (offline,
 * or a slow server): for what must follow the changes, like recording a restore in the history.
 */
export function whenSaved(saves: SaveTracker, timeoutMs: number): Promise<boolean> {
  if (!saves.pending) return Promise.resolve(true)
  return new Promise((resolve) => {
    const done = (saved: boolean) => {
      clearTimeout(timer)
      saves.off('change', onChange)
      resolve(saved)
    }
    const onChange = (pending: boolean) => {
      if (!pending) done(true)
    }
    const timer = setTimeout(() => done(false), timeoutMs)
    saves.on('change', onChange)
  })
}
