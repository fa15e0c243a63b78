import type { FastifyReply } from 'fastify'
import type { Exported } from '../export/formats.js'

/** Sends an export as an attachment named after the document's title. */
export function sendExport(reply: FastifyReply, exported: Exported, title: string): FastifyReply {
  const name =
    title
      .replace(/[^\p{L}\p{N} ._-]+/gu, '')
      .replace(/\s+/g, ' ')
      .trim() || 'document'
  return reply
    .type(exported.contentType)
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`${name}.${exported.extension}`)}`)
    .send(payloadOf(exported))
}

/** A Word file's bytes as a Buffer (what Fastify sends as is), text as it is. */
export function payloadOf({ body }: Exported): string | Buffer {
  return typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
}
