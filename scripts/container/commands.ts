/** Running other programs: their output kept, a failure explained with its last lines. */
import { spawn, type SpawnOptions } from 'node:child_process'
import { createWriteStream, existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'

export interface Ran {
  code: number
  stdout: string
  stderr: string
}

export interface RunOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** Bytes for the program's standard input. */
  input?: Buffer | string
  /** Also append everything it prints to this file. */
  logFile?: string
  /** Print the lines that match as they come (progress of a long build). */
  echo?: RegExp
  /** Kill it after this long. */
  timeoutMs?: number
}

export class CommandError extends Error {
  override name = 'CommandError'
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n')
}

export function run(command: string, args: string[], options: RunOptions = {}): Promise<Ran> {
  const spawnOptions: SpawnOptions = { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] }
  const began = Date.now()
  const child = spawn(command, args, spawnOptions)
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined
  let stdout = ''
  let stderr = ''
  let pending = ''
  const echo = (chunk: string) => {
    if (!options.echo) return
    pending += chunk
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    const elapsed = `${((Date.now() - began) / 1000).toFixed(0)} s`.padStart(6)
    for (const line of lines) if (options.echo.test(line)) process.stdout.write(`  ${elapsed}  ${line}\n`)
  }
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += String(chunk)
    log?.write(chunk)
    echo(String(chunk))
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += String(chunk)
    log?.write(chunk)
    echo(String(chunk))
  })
  child.stdin?.end(options.input)
  const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined
  return new Promise((resolve) => {
    child.on('error', (error) => {
      clearTimeout(timer)
      log?.end()
      resolve({ code: 127, stdout, stderr: `${stderr}${error.message}\n` })
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      log?.end()
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr })
    })
  })
}

/** Runs it and returns what it printed; throws with its last lines if it fails. */
export async function must(command: string, args: string[], options: RunOptions = {}): Promise<string> {
  const ran = await run(command, args, options)
  if (ran.code !== 0) {
    const output = tail(`${ran.stdout}\n${ran.stderr}`, 40)
    throw new CommandError(`\`${[command, ...args].join(' ')}\` failed (exit ${ran.code}):\n${output}`)
  }
  return ran.stdout
}

/** The program's path on PATH (or in the sbin folders root has), or undefined. */
export function which(program: string): string | undefined {
  const folders = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin']
  return folders.map((folder) => join(folder, program)).find((path) => path.startsWith('/') && existsSync(path))
}
