/**
 * What an uploaded file is, from its bytes alone: PNG, JPEG, GIF or WebP, with its pixel
 * dimensions read from the header, never by decoding. Whatever the name or the request says,
 * anything else (SVG, HTML, a truncated image) is not an image here.
 */

export type ImageType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp'

export interface ImageHeader {
  type: ImageType
  width: number
  height: number
}

/** Why bytes are not an image this server keeps. */
export class NotAnImageError extends Error {
  override name = 'NotAnImageError'
}

/** An image whose pixels would take more memory to decode than a document's image may. */
export class TooManyPixelsError extends Error {
  override name = 'TooManyPixelsError'
}

/**
 * The header of an image a document may hold: a known type, and at most `maxPixels` pixels
 * (a small file can decode to gigapixels: every browser that shows it would pay for them).
 */
export function acceptImage(bytes: Uint8Array, maxPixels: number): ImageHeader {
  const header = readImageHeader(bytes)
  if (header.width * header.height > maxPixels) {
    throw new TooManyPixelsError(`the image is ${header.width}×${header.height} pixels; at most ${maxPixels} pixels are allowed`)
  }
  return header
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
const PNG_END = [0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) => prefix.every((value, index) => bytes[at + index] === value)
const ascii = (bytes: Uint8Array, at: number, length: number) => String.fromCharCode(...bytes.subarray(at, at + length))

/** Reads the type and size of an image; throws NotAnImageError for anything else. */
export function readImageHeader(bytes: Uint8Array): ImageHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const header = startsWith(bytes, PNG_SIGNATURE)
    ? png(bytes, view)
    : startsWith(bytes, [0xff, 0xd8, 0xff])
      ? jpeg(bytes, view)
      : ['GIF87a', 'GIF89a'].includes(ascii(bytes, 0, 6))
        ? gif(bytes, view)
        : ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP'
          ? webp(bytes, view)
          : undefined
  if (!header) throw new NotAnImageError('only PNG, JPEG, GIF and WebP images can be added')
  if (!(header.width > 0 && header.height > 0)) throw new NotAnImageError('the image has no size')
  return header
}

function png(bytes: Uint8Array, view: DataView): ImageHeader {
  if (bytes.length < 24 + PNG_END.length || ascii(bytes, 12, 4) !== 'IHDR') throw new NotAnImageError('the PNG image has no header')
  // A PNG ends with its IEND chunk: one that does not was cut short.
  if (!startsWith(bytes, PNG_END, bytes.length - PNG_END.length)) throw new NotAnImageError('the PNG image is truncated')
  return { type: 'image/png', width: view.getUint32(16), height: view.getUint32(20) }
}

function gif(bytes: Uint8Array, view: DataView): ImageHeader {
  // The trailer byte ends every GIF.
  if (bytes.length < 14 || bytes[bytes.length - 1] !== 0x3b) throw new NotAnImageError('the GIF image is truncated')
  return { type: 'image/gif', width: view.getUint16(6, true), height: view.getUint16(8, true) }
}

function webp(bytes: Uint8Array, view: DataView): ImageHeader {
  // The RIFF header says how long the file is.
  if (bytes.length < 30 || view.getUint32(4, true) + 8 > bytes.length) throw new NotAnImageError('the WebP image is truncated')
  const chunk = ascii(bytes, 12, 4)
  if (chunk === 'VP8 ' && startsWith(bytes, [0x9d, 0x01, 0x2a], 23)) {
    return { type: 'image/webp', width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff }
  }
  if (chunk === 'VP8L' && bytes[20] === 0x2f) {
    const bits = view.getUint32(21, true)
    return { type: 'image/webp', width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 }
  }
  if (chunk === 'VP8X') {
    const width = 1 + (bytes[24]! | (bytes[25]! << 8) | (bytes[26]! << 16))
    const height = 1 + (bytes[27]! | (bytes[28]! << 8) | (bytes[29]! << 16))
    return { type: 'image/webp', width, height }
  }
  throw new NotAnImageError('the WebP image has no header')
}

/** Markers that stand alone (no length follows): TEM and the restart markers. */
const STANDALONE = (marker: number) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)
/** Start-of-frame markers, which carry the size (not DHT C4, JPG C8, DAC CC). */
const FRAME = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc

function jpeg(bytes: Uint8Array, view: DataView): ImageHeader {
  // The end-of-image marker closes every JPEG (some writers pad after it).
  const end = lastIndexOfPair(bytes, 0xff, 0xd9)
  if (end < 0 || bytes.length - end > 1024) throw new NotAnImageError('the JPEG image is truncated')
  // Walks the segments up to the frame header; each step moves forward, so this ends.
  let at = 2
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) throw new NotAnImageError('the JPEG image is damaged')
    const marker = bytes[at + 1]!
    if (marker === 0xff) {
      at++
      continue
    }
    if (STANDALONE(marker)) {
      at += 2
      continue
    }
    if (FRAME(marker)) return { type: 'image/jpeg', height: view.getUint16(at + 5), width: view.getUint16(at + 7) }
    if (marker === 0xd9 || marker === 0xda) break
    at += 2 + view.getUint16(at + 2)
  }
  throw new NotAnImageError('the JPEG image has no frame header')
}

function lastIndexOfPair(bytes: Uint8Array, first: number, second: number): number {
  for (let index = bytes.length - 2; index >= Math.max(0, bytes.length - 1026); index--) {
    if (bytes[index] === first && bytes[index + 1] === second) return index
  }
  return -1
}
