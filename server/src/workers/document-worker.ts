/**
 * The entry of a worker thread that runs DocumentTasks for the main thread (see TaskPool).
 * Tiptap and happy-dom load here, never on the main thread.
 */
import { parentPort } from 'node:worker_threads'
import { DocumentFormats } from '../export/formats.js'
import { documentTasks, type DocumentTasks } from './document-tasks.js'
import { WORKER_READY, type TaskAnswer, type TaskRequest } from './task-pool.js'

const tasks = documentTasks(new DocumentFormats())
const port = parentPort!

port.on('message', (request: TaskRequest) => void runTask(request))

/** Runs one task and posts its answer; a task may answer with a promise (the Word export packs its file asynchronously). */
async function runTask({ id, task, input }: TaskRequest): Promise<void> {
  let answer: TaskAnswer
  try {
    const run = tasks[task as keyof DocumentTasks] as ((input: unknown) => unknown) | undefined
    if (!run) throw new Error(`no task ${task}`)
    answer = { id, result: await run(input) }
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error))
    answer = { id, error: { kind: name, message } }
  }
  port.postMessage(answer, transferablesOf(answer))
}
port.postMessage(WORKER_READY)

/** The bytes an answer carries move to the main thread instead of being copied. */
function transferablesOf(answer: TaskAnswer): ArrayBuffer[] {
  if (!('result' in answer)) return []
  const { result } = answer
  const found: ArrayBuffer[] = []
  const add = (value: unknown) => {
    if (value instanceof Uint8Array && value.byteOffset === 0 && value.byteLength === value.buffer.byteLength && value.buffer instanceof ArrayBuffer) {
      found.push(value.buffer)
    }
  }
  add(result)
  if (typeof result === 'object' && result !== null) for (const value of Object.values(result)) add(value)
  return found
}
