import { readFile } from 'node:fs/promises'
import { deflateSync, crc32 } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { NotAnImageError, TooManyPixelsError, acceptImage, readImageHeader } from '../../src/files/image-header.js'

const fixture = (name: string) => readFile(new URL(`../fixtures/images/${name}`, import.meta.url)).then((buffer) => new Uint8Array(buffer))

/** A PNG of any declared size: a real header and end, and a little (not matching) image data. */
function png(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = Buffer.alloc(12 + data.length)
    out.writeUInt32BE(data.length, 0)
    out.write(type, 4, 'latin1')
    out.set(data, 8)
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
    return out
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return new Uint8Array(Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(64))), chunk('IEND', new Uint8Array())]))
}

/** The smallest GIF: one transparent pixel. */
const GIF = new Uint8Array([
  0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00,
  0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
])

/** A WebP whose first chunk is `chunk` with `header` (the bytes after the chunk's size). */
function webp(chunk: string, header: number[]): Uint8Array {
  const body = Buffer.alloc(Math.max(header.length, 22))
  body.set(header)
  const out = Buffer.alloc(20 + body.length)
  out.write('RIFF', 0, 'latin1')
  out.writeUInt32LE(out.length - 8, 4)
  out.write('WEBP', 8, 'latin1')
  out.write(chunk, 12, 'latin1')
  out.writeUInt32LE(body.length, 16)
  out.set(body, 20)
  return new Uint8Array(out)
}

describe('readImageHeader', () => {
  it.each([
    ['pixels.png', 'image/png'],
    ['pixels.jpg', 'image/jpeg'],
    ['pixels.webp', 'image/webp'],
    ['pixels.lossless.webp', 'image/webp'],
  ])('reads %s (made by Chromium) as %s, 3×2 pixels', async (name, type) => {
    expect(readImageHeader(await fixture(name))).toEqual({ type, width: 3, height: 2 })
  })

  it('reads a GIF, and the simple (VP8) and lossless (VP8L) WebP headers', () => {
    expect(readImageHeader(GIF)).toEqual({ type: 'image/gif', width: 1, height: 1 })
    // VP8: a key frame's start code, then 14-bit width and height.
    expect(readImageHeader(webp('VP8 ', [0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00]))).toMatchObject({ width: 320, height: 240 })
    // VP8L: the signature, then width-1 and height-1 in 14 bits each.
    const bits = 319 | (239 << 14)
    expect(readImageHeader(webp('VP8L', [0x2f, bits & 0xff, (bits >> 8) & 0xff, (bits >> 16) & 0xff, (bits >>> 24) & 0xff]))).toMatchObject({
      width: 320,
      height: 240,
    })
  })

  it.each([
    ['an HTML page named .png', new TextEncoder().encode('<!doctype html><script>alert(1)</script>')],
    ['an SVG', new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>')],
    ['an SVG after a byte-order mark', new TextEncoder().encode('\uFEFF<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['nothing', new Uint8Array()],
    ['a PDF', new TextEncoder().encode('%PDF-1.7\n')],
  ])('refuses %s', (_name, bytes) => {
    expect(() => readImageHeader(bytes)).toThrow(NotAnImageError)
  })

  it.each(['pixels.png', 'pixels.jpg', 'pixels.webp'])('refuses %s cut short', async (name) => {
    const bytes = await fixture(name)
    for (const length of [4, 30, Math.floor(bytes.length / 2), bytes.length - 3]) {
      expect(() => readImageHeader(bytes.subarray(0, length)), `${length} bytes`).toThrow(NotAnImageError)
    }
    expect(() => readImageHeader(GIF.subarray(0, GIF.length - 1))).toThrow(NotAnImageError)
  })
})

describe('acceptImage', () => {
  it('refuses a small file that declares gigapixels (a pixel bomb), from its header alone', () => {
    const bomb = png(100_000, 100_000)
    expect(bomb.length).toBeLessThan(200)
    expect(() => acceptImage(bomb, 50_000_000)).toThrow(TooManyPixelsError)
    expect(acceptImage(png(5000, 4000), 50_000_000)).toEqual({ type: 'image/png', width: 5000, height: 4000 })
  })
})
