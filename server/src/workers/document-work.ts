import type { CommentStatus, CommentThreadInfo, DiffBlock, ExportFormat } from '@quire/shared'
import type { CommentChange, CommentOutcome } from '../comments/comment-changes.js'
import { ImportError } from '../export/import-error.js'
import type { StoredDoc } from '../storage/doc-store.js'
import type { Restore } from '../versions/restore.js'
import type { ImportInput, Rendered, RenderOptions } from './document-tasks.js'
import { TaskError, TaskPool, type TaskPoolOptions } from './task-pool.js'

/** The worker's entry, next to this file in the source and in the build. */
const WORKER_FILE = new URL(`./document-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url)

/**
 * The main thread's door to DocumentTasks: each runs on a worker thread within its budget,
 * so a hostile import or a huge comparison costs a thread for a while, never the event loop.
 * Fails with TaskTimeoutError, TaskQueueFullError or TaskCrashedError past the budgets, and
 * with ImportError for content that cannot become a document.
 */
export class DocumentWork {
  readonly #pool: TaskPool

  constructor(options: TaskPoolOptions) {
    this.#pool = new TaskPool(WORKER_FILE, options)
  }

  importDoc(input: ImportInput): Promise<Uint8Array> {
    return this.#run('import', input)
  }

  render(state: Uint8Array, format?: ExportFormat, options: RenderOptions = {}): Promise<Rendered> {
    return this.#run('render', { state, format, ...options })
  }

  diff(before: Uint8Array, after: Uint8Array): Promise<DiffBlock[]> {
    return this.#run('diff', { before, after })
  }

  restore(current: Uint8Array, version: Uint8Array): Promise<Restore> {
    return this.#run('restore', { current, version })
  }

  comments(state: Uint8Array, status: CommentStatus): Promise<CommentThreadInfo[]> {
    return this.#run('comments', { state, status })
  }

  commentChange(state: Uint8Array, change: CommentChange): Promise<CommentOutcome> {
    return this.#run('commentChange', { state, change })
  }

  fold(stored: StoredDoc): Promise<{ state: Uint8Array; title: string }> {
    return this.#run('fold', stored)
  }

  /** Worker threads running now: none while the server is idle. */
  get threads(): number {
    return this.#pool.threads
  }

  close(): Promise<void> {
    return this.#pool.close()
  }

  async #run<T>(task: string, input: unknown): Promise<T> {
    try {
      return await this.#pool.run<T>(task, input)
    } catch (error) {
      if (error instanceof TaskError && error.kind === 'ImportError') throw new ImportError(error.message)
      throw error
    }
  }
}
