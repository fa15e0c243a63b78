import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { imageNode, nodeImageOf } from '../../../scripts/image-node.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

describe("the image's Node", () => {
  it('is read from the Dockerfile default, which the container test and the Node test run use alike', () => {
    // Read here without the scripts' Dockerfile parser, so the two reads must agree.
    const line = /^ARG NODE_IMAGE=(node:((\d+)\.\d+\.\d+)-(\w+)-slim)$/m.exec(readFileSync(`${ROOT}Dockerfile`, 'utf8'))
    expect(line, 'ARG NODE_IMAGE=node:<version>-<debian>-slim in the Dockerfile').not.toBeNull()
    const [, image, version, major, suite] = line ?? []
    expect(imageNode(ROOT)).toEqual({ image, version, major: Number(major), suite })
  })

  // Set by `npm run test:image-node`: the suite, its workers included, runs on that Node.
  it.runIf(process.env.QUIRE_TEST_NODE)('is the Node this suite runs on, when npm run test:image-node runs it', () => {
    expect(process.versions.node).toBe(process.env.QUIRE_TEST_NODE)
    expect(process.versions.node).toBe(imageNode(ROOT).version)
  })

  it('must be an official Debian slim image with a full version', () => {
    expect(nodeImageOf('node:24.22.3-bookworm-slim')).toEqual({ image: 'node:24.22.3-bookworm-slim', version: '24.22.3', major: 24, suite: 'bookworm' })
    expect(nodeImageOf('node:26.12.1-trixie-slim')).toMatchObject({ version: '26.12.1', suite: 'trixie' })
    for (const image of [
      'node:24-bookworm-slim',
      'node:lts-bookworm-slim',
      'node:24.22-bookworm-slim',
      'node:24.22.3-alpine',
      'node:24.22.3-bookworm',
      'mirror.example/node:24.22.3-bookworm-slim',
      '',
    ]) {
      expect(() => nodeImageOf(image), image).toThrow(/not an official Node slim image with its version pinned/)
    }
  })
})
