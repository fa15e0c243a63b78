/**
 * What the Dockerfile says about the image, read through a real Dockerfile parser: the unit
 * test checks it, and the container test's host fallback starts the server the way the image
 * would (its environment, its health check).
 */
import { readFileSync } from 'node:fs'
import { DockerfileParser, type Instruction } from 'dockerfile-ast'

export interface Stage {
  /** The image it starts FROM, as written (`${NODE_IMAGE}`). */
  image: string
  /** Its `AS` name, if any. */
  name: string | undefined
  instructions: Instruction[]
}

export interface ImageSpec {
  /** ARGs before the first FROM, with their defaults. */
  args: Map<string, string | undefined>
  stages: Stage[]
  /** The last stage: the image that runs. */
  runtime: {
    env: Map<string, string>
    user: string | undefined
    workdir: string | undefined
    volumes: string[]
    exposed: string[]
    /** The health check's flags and its command (exec form), if there is one. */
    healthcheck: { flags: Map<string, string>; command: string[] | string } | undefined
    /** CMD as an array when written in exec form, as a string when in shell form. */
    cmd: string[] | string | undefined
    /** COPY instructions: `from` stage (if any), sources and destination. */
    copies: { from: string | undefined; sources: string[]; destination: string }[]
  }
}

/** The instruction's text after its keyword and flags; an exec form as an array. */
function commandOf(text: string): string[] | string {
  const trimmed = text.trim()
  if (!trimmed.startsWith('[')) return trimmed
  const parsed: unknown = JSON.parse(trimmed)
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) {
    throw new Error(`not an exec-form array of strings: ${trimmed}`)
  }
  return parsed
}

function flagsOf(instruction: Instruction): Map<string, string> {
  const flags =
    'getFlags' in instruction && typeof instruction.getFlags === 'function'
      ? (instruction.getFlags() as { getName(): string; getValue(): string | null }[])
      : []
  return new Map(flags.map((flag) => [flag.getName(), flag.getValue() ?? '']))
}

function propertiesOf(instruction: Instruction): [string, string][] {
  const properties = (instruction as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }).getProperties()
  return properties.map((property) => [property.getName(), property.getValue() ?? ''])
}

export function parseDockerfile(text: string): ImageSpec {
  const dockerfile = DockerfileParser.parse(text)
  const args = new Map(dockerfile.getInitialARGs().map((arg) => [arg.getProperty()?.getName() ?? '', arg.getProperty()?.getValue() ?? undefined]))
  const stages: Stage[] = []
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const from = instruction as unknown as { getImage(): string | null; getBuildStage(): string | null }
      stages.push({ image: from.getImage() ?? '', name: from.getBuildStage() ?? undefined, instructions: [] })
    } else {
      stages.at(-1)?.instructions.push(instruction)
    }
  }
  const last = stages.at(-1)
  if (!last) throw new Error('the Dockerfile has no FROM')

  const runtime: ImageSpec['runtime'] = {
    env: new Map(),
    user: undefined,
    workdir: undefined,
    volumes: [],
    exposed: [],
    healthcheck: undefined,
    cmd: undefined,
    copies: [],
  }
  for (const instruction of last.instructions) {
    const content = instruction.getArgumentsContent() ?? ''
    switch (instruction.getKeyword()) {
      case 'ENV':
        for (const [name, value] of propertiesOf(instruction)) runtime.env.set(name, value)
        break
      case 'USER':
        runtime.user = content.trim()
        break
      case 'WORKDIR':
        runtime.workdir = content.trim()
        break
      case 'VOLUME': {
        const volumes = commandOf(content)
        runtime.volumes.push(...(Array.isArray(volumes) ? volumes : volumes.split(/\s+/)))
        break
      }
      case 'EXPOSE':
        runtime.exposed.push(...content.trim().split(/\s+/))
        break
      case 'HEALTHCHECK': {
        const subcommand = content.trim().split(/\s+/)[0] ?? ''
        runtime.healthcheck =
          subcommand.toUpperCase() === 'CMD' ? { flags: flagsOf(instruction), command: commandOf(content.trim().slice(subcommand.length)) } : undefined
        break
      }
      case 'CMD':
        runtime.cmd = commandOf(content)
        break
      case 'COPY': {
        const parts = instruction.getArguments().map((argument) => argument.getValue())
        const destination = parts.pop() ?? ''
        runtime.copies.push({ from: flagsOf(instruction).get('from'), sources: parts, destination })
        break
      }
    }
  }
  return { args, stages, runtime }
}

export function readDockerfile(path: string): ImageSpec {
  return parseDockerfile(readFileSync(path, 'utf8'))
}
