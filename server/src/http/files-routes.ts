import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { FILE_HASH_PATTERN, type UploadedFile } from '@quire/shared'
import { Errors } from '../errors.js'
import { acceptImage, NotAnImageError, TooManyPixelsError } from '../files/image-header.js'
import { apiError, docIdParams } from './schemas.js'

const bearer = [{ key: [] }]

const fileParams = {
  type: 'object',
  required: ['id', 'hash'],
  properties: { ...docIdParams.properties, hash: { type: 'string', pattern: FILE_HASH_PATTERN.source } },
} as const

/**
 * A document's images: uploaded by its editors, served to anyone with a key of the document,
 * each under the sha256 of its bytes. The document holds only that hash, never a key or an
 * address, so a rotation or a deletion stops the old keys here as everywhere else.
 */
export async function filesRoutes(app: FastifyInstance): Promise<void> {
  const { store, config, authorizer } = app.quire

  // Only in this plugin: the raw bytes of an upload, whatever type the request claims (the
  // bytes decide), refused past MAX_FILE_BYTES while they stream in (and at once when
  // Content-Length says so).
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: config.maxFileBytes }, (_request, body, done) => done(null, body))

  app.post<{ Params: { id: string }; Body: Buffer }>(
    '/api/docs/:id/files',
    {
      // The key is checked before the body is read: no one without one sends megabytes in.
      onRequest: authorizer.require('owner', 'edit'),
      bodyLimit: config.maxFileBytes,
      schema: {
        summary: 'Add an image to a document',
        description:
          'Owner or edit key. The body is the image itself (PNG, JPEG, GIF or WebP, told from its bytes), at most MAX_FILE_BYTES and MAX_IMAGE_PIXELS; the document’s images together at most MAX_FILE_BYTES_PER_DOCUMENT. Answers the hash the document refers to it by.',
        tags: ['files'],
        security: bearer,
        params: docIdParams,
        response: {
          201: {
            type: 'object',
            required: ['hash', 'type', 'size', 'width', 'height'],
            properties: {
              hash: { type: 'string' },
              type: { type: 'string' },
              size: { type: 'integer' },
              width: { type: 'integer' },
              height: { type: 'integer' },
            },
          },
          400: apiError,
          401: apiError,
          403: apiError,
          404: apiError,
          413: apiError,
          415: apiError,
          429: apiError,
        },
      },
    },
    async (request, reply) => {
      const { meta } = request.access!
      const bytes = request.body
      if (!Buffer.isBuffer(bytes)) throw Errors.notAnImage()
      const header = readHeader(bytes, config.maxImagePixels)
      const hash = createHash('sha256').update(bytes).digest('hex')
      const files = await store.listFiles(meta.id)
      if (!files.some((file) => file.hash === hash)) {
        const used = files.reduce((sum, file) => sum + file.size, 0)
        if (used + bytes.length > config.maxFileBytesPerDocument) throw Errors.filesFull()
        const kept = await store.putFile(meta.id, { hash, type: header.type, size: bytes.length, createdAt: new Date().toISOString(), bytes })
        if (!kept) throw Errors.docNotFound()
      }
      const answer: UploadedFile = { hash, type: header.type, size: bytes.length, width: header.width, height: header.height }
      return reply.code(201).send(answer)
    },
  )

  app.get<{ Params: { id: string; hash: string } }>(
    '/api/docs/:id/files/:hash',
    {
      preHandler: authorizer.require(),
      schema: {
        summary: 'Read an image of a document',
        description: 'Any valid key of the document. The bytes as they were uploaded, cached privately for a year (a hash never changes its bytes).',
        tags: ['files'],
        security: bearer,
        params: fileParams,
        response: { 400: apiError, 401: apiError, 403: apiError, 404: apiError, 429: apiError },
      },
    },
    async (request, reply) => {
      const file = await store.getFile(request.access!.meta.id, request.params.hash)
      if (!file) throw Errors.fileNotFound()
      return (
        reply
          // The type was sniffed when the file came in: one of four image types, never HTML or SVG.
          .type(file.type)
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'private, max-age=31536000, immutable')
          // Opened on its own, the file runs nothing and reaches nothing.
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('content-disposition', 'inline')
          .send(Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength))
      )
    },
  )
}

function readHeader(bytes: Uint8Array, maxPixels: number) {
  try {
    return acceptImage(bytes, maxPixels)
  } catch (error) {
    if (error instanceof NotAnImageError) throw Errors.notAnImage(`${capitalized(error.message)}: only PNG, JPEG, GIF and WebP images can be added.`)
    if (error instanceof TooManyPixelsError) throw Errors.tooManyPixels(`${capitalized(error.message)}.`)
    throw error
  }
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)
