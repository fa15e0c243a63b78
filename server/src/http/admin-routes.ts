import { createHash, timingSafeEqual } from 'node:crypto'
import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { EXPORT_FORMATS, type ExportFormat } from '@quire/shared'
import { backupItems, countDocuments } from '../admin/backup.js'
import type { BackupLine } from '../admin/remote.js'
import { Errors } from '../errors.js'
import { readTitle } from '../sync/doc-fields.js'
import { collectFiles } from '../files/file-references.js'
import * as Y from 'yjs'
import { payloadOf } from './export-reply.js'
import { docIdParams } from './schemas.js'
import { filesForExport } from '../files/document-files.js'

const digest = (value: string) => createHash('sha256').update(value).digest()

/**
 * What the `quire` command asks of a running server, behind ADMIN_TOKEN: a backup read from
 * one snapshot of the store, the list of documents, any document's export, compaction.
 * Without ADMIN_TOKEN these routes do not exist.
 */
export async function adminRoutes(app: FastifyInstance, options: { token: string; linkSecret: string | null }): Promise<void> {
  const { store, rooms, work, config } = app.quire
  const expected = digest(options.token)
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const given = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1]
    if (given === undefined) throw Errors.missingKey('This needs the admin token: "Authorization: Bearer <ADMIN_TOKEN>".')
    if (!timingSafeEqual(digest(given), expected)) throw Errors.wrongKey('The admin token is wrong.')
  })

  app.get('/api/admin/backup', { schema: { hide: true } }, async (_request, reply) => {
    async function* lines() {
      const line = (value: BackupLine) => JSON.stringify(value) + '\n'
      const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')
      yield line({ kind: 'secret', linkSecret: options.linkSecret })
      yield line({ kind: 'count', documents: await countDocuments(store) })
      for await (const item of backupItems(store, (stored) => work.fold(stored))) {
        if (item.kind === 'doc') yield line({ kind: 'doc', meta: item.meta, state: base64(item.state) })
        else if (item.kind === 'file') {
          const { bytes, ...info } = item.file
          yield line({ kind: 'file', docId: item.docId, info, bytes: base64(bytes) })
        } else yield line({ kind: 'version', docId: item.docId, info: item.version.info, state: base64(item.version.state) })
      }
    }
    return reply.type('application/x-ndjson').send(Readable.from(lines()))
  })

  app.get('/api/admin/docs', { schema: { hide: true } }, async () => {
    const docs = []
    for await (const meta of store.listDocs()) {
      const room = rooms.get(meta.id)
      docs.push({ id: meta.id, title: room ? readTitle(room.doc) : meta.title, createdAt: meta.createdAt, updatedAt: meta.updatedAt })
    }
    return docs
  })

  app.get<{ Params: { id: string }; Querystring: { format: ExportFormat } }>(
    '/api/admin/docs/:id/export',
    {
      schema: {
        hide: true,
        params: docIdParams,
        querystring: { type: 'object', properties: { format: { type: 'string', enum: [...EXPORT_FORMATS], default: 'markdown' } } },
      },
    },
    async (request, reply) => {
      if (!(await store.getMeta(request.params.id))) throw Errors.docNotFound()
      const state = await rooms.state(request.params.id)
      const { exported } = await work.render(state, request.query.format, { files: await filesForExport(store, request.params.id, request.query.format) })
      return reply.type(exported!.contentType).send(payloadOf(exported!))
    },
  )

  app.post('/api/admin/compact', { schema: { hide: true } }, async () => {
    let compacted = 0
    for await (const { id } of store.listDocs()) {
      await rooms.with(id, async (room) => {
        await collectFiles(store, id, Y.encodeStateAsUpdate(room.doc), config.fileGcGraceMs)
        if (room.logCount === 0) return
        await room.compact()
        compacted++
      })
    }
    return { compacted }
  })
}
