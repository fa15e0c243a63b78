import type { FastifyInstance, FastifyRequest } from 'fastify'
import * as Y from 'yjs'
import { EXPORT_FORMATS, type CreateVersionRequest, type ExportFormat, type VersionDetail, type VersionDiff, type VersionInfo } from '@quire/shared'
import { Errors } from '../errors.js'
import type { StoredVersion } from '../storage/doc-store.js'
import { sendExport } from './export-reply.js'
import { apiError, docIdParams } from './schemas.js'
import { filesForExport } from '../files/document-files.js'

const bearer = [{ key: [] }]
const errors = { 400: apiError, 401: apiError, 403: apiError, 404: apiError, 422: apiError, 429: apiError }

const versionInfo = {
  type: 'object',
  required: ['v', 'createdAt', 'authors', 'name', 'kind', 'restoredFrom', 'bytes'],
  properties: {
    v: { type: 'integer' },
    createdAt: { type: 'string', format: 'date-time' },
    authors: { type: 'array', items: { type: 'string' } },
    name: { type: ['string', 'null'] },
    kind: { type: 'string', enum: ['auto', 'named', 'restore'] },
    restoredFrom: { type: ['integer', 'null'] },
    bytes: { type: 'integer' },
  },
} as const

const versionDetail = {
  ...versionInfo,
  required: [...versionInfo.required, 'title'],
  properties: { ...versionInfo.properties, title: { type: 'string' } },
} as const

const versionParams = {
  type: 'object',
  required: ['id', 'v'],
  properties: { ...docIdParams.properties, v: { type: 'string', pattern: '^[1-9][0-9]{0,9}$' } },
} as const

type VersionParams = { id: string; v: string }

/** Version history: list, read, export, compare, name one now, bring one back. */
export async function versionsRoutes(app: FastifyInstance): Promise<void> {
  const { store, rooms, authorizer, work, config } = app.quire
  // Versions are whole copies of a document: how many one document may gain in an hour.
  const savesPerDocument = {
    rateLimit: { max: config.versionSavesPerHour, timeWindow: 3600_000, keyGenerator: (request: FastifyRequest) => (request.params as { id: string }).id },
  }

  const versionOf = async (id: string, v: string): Promise<StoredVersion> => {
    const version = await store.getVersion(id, Number(v))
    if (!version) throw Errors.versionNotFound()
    return version
  }

  app.get<{ Params: { id: string } }>(
    '/api/docs/:id/versions',
    {
      preHandler: authorizer.require(),
      schema: {
        summary: 'List the versions, newest first',
        description: 'Any valid key.',
        tags: ['versions'],
        security: bearer,
        params: docIdParams,
        response: { 200: { type: 'object', required: ['versions'], properties: { versions: { type: 'array', items: versionInfo } } }, ...errors },
      },
    },
    async (request): Promise<{ versions: VersionInfo[] }> => {
      const versions = await store.listVersions(request.access!.meta.id)
      return { versions: versions.reverse() }
    },
  )

  app.post<{ Params: { id: string }; Body: CreateVersionRequest | null }>(
    '/api/docs/:id/versions',
    {
      config: savesPerDocument,
      preHandler: authorizer.require('owner', 'edit'),
      schema: {
        summary: 'Save a version now',
        description:
          'Owner and edit keys. A name keeps the version until it is deleted; when nothing changed since the newest version, that version takes the name (200) instead of a new copy (201). `restoredFrom` records that the editor has just brought that version back itself (so its own undo can take it back). A document keeps at most MAX_NAMED_VERSIONS named versions and restores (409 past it), and gains at most VERSION_SAVES_PER_HOUR of them an hour (429).',
        tags: ['versions'],
        security: bearer,
        params: docIdParams,
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100 },
            restoredFrom: { type: 'integer', minimum: 1 },
          },
        },
        response: { 200: versionInfo, 201: versionInfo, 409: apiError, ...errors },
      },
    },
    async (request, reply): Promise<VersionInfo> => {
      const { meta } = request.access!
      const { name, restoredFrom } = request.body ?? {}
      if (name === undefined && restoredFrom === undefined) throw Errors.badRequest('A version saved by hand needs a name.')
      if (restoredFrom !== undefined) await versionOf(meta.id, String(restoredFrom))
      const { info, created } = await rooms.with(meta.id, async (room, versions) => {
        // Whatever the editor sent before this request is in the version.
        await room.flushed()
        return restoredFrom === undefined
          ? versions.name(name!.trim())
          : { info: await versions.take('restore', { name: name?.trim() ?? null, restoredFrom }), created: true }
      })
      reply.code(created ? 201 : 200)
      return info
    },
  )

  app.get<{ Params: VersionParams; Querystring: { format?: ExportFormat; comments: 'true' | 'false' } }>(
    '/api/docs/:id/versions/:v',
    {
      preHandler: authorizer.require(),
      schema: {
        summary: "A version's metadata, or its content in a format",
        description:
          'Any valid key. Without `format`, the metadata and the title the version had; with it, the content as an attachment (with the comments the version had, as the document export gives them).',
        tags: ['versions'],
        security: bearer,
        params: versionParams,
        querystring: {
          type: 'object',
          properties: {
            format: { type: 'string', enum: [...EXPORT_FORMATS] },
            comments: { type: 'string', enum: ['true', 'false'], default: 'false' },
            key: { type: 'string' },
          },
        },
        response: { 200: { description: 'The metadata, or the content', anyOf: [versionDetail, { type: 'string' }] }, ...errors },
      },
    },
    async (request, reply) => {
      const { info, state } = await versionOf(request.access!.meta.id, request.params.v)
      const { format } = request.query
      const files = await filesForExport(store, request.access!.meta.id, format)
      const { title, exported } = await work.render(state, format, { comments: request.query.comments === 'true', files })
      if (exported === undefined) return { ...info, title } satisfies VersionDetail
      return sendExport(reply, exported, title)
    },
  )

  app.get<{ Params: VersionParams }>(
    '/api/docs/:id/versions/:v/diff',
    {
      preHandler: authorizer.require(),
      schema: {
        summary: 'What changed from a version to the current document',
        description: 'Any valid key. Blocks added, removed, kept, and changed word by word.',
        tags: ['versions'],
        security: bearer,
        params: versionParams,
        response: {
          200: {
            type: 'object',
            required: ['blocks'],
            properties: {
              blocks: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['op'],
                  properties: {
                    op: { type: 'string', enum: ['same', 'added', 'removed', 'changed'] },
                    text: { type: 'string' },
                    words: {
                      type: 'array',
                      items: {
                        type: 'object',
                        required: ['op', 'text'],
                        properties: { op: { type: 'string', enum: ['same', 'added', 'removed'] }, text: { type: 'string' } },
                      },
                    },
                  },
                },
              },
            },
          },
          ...errors,
        },
      },
    },
    async (request): Promise<VersionDiff> => {
      const { meta } = request.access!
      const { state } = await versionOf(meta.id, request.params.v)
      const now = await rooms.state(meta.id)
      return { blocks: await work.diff(state, now) }
    },
  )

  app.post<{ Params: VersionParams }>(
    '/api/docs/:id/versions/:v/restore',
    {
      config: savesPerDocument,
      preHandler: authorizer.require('owner', 'edit'),
      schema: {
        summary: 'Bring a version back',
        description:
          "Owner and edit keys. The content and title become the version's for everyone, as a new change on top of the document (live editors see it arrive; offline copies merge with it); the restore is itself a new version.",
        tags: ['versions'],
        security: bearer,
        params: versionParams,
        response: { 200: { type: 'object', required: ['version'], properties: { version: versionInfo } }, 409: apiError, 413: apiError, ...errors },
      },
    },
    async (request) => {
      const { meta } = request.access!
      const { info, state } = await versionOf(meta.id, request.params.v)
      const version = await rooms.with(meta.id, async (room, versions) => {
        await versions.assertRoomForKept()
        const { updates, bytes } = await work.restore(Y.encodeStateAsUpdate(room.doc), state)
        // A restore inserts the version's blocks anew: it must leave the document writable.
        if (bytes > config.maxDocumentBytes) {
          throw Errors.documentTooLarge(
            `Restoring it would bring the document to ${bytes} bytes; this server keeps documents up to ${config.maxDocumentBytes}.`,
          )
        }
        // One by one: each is written, applied and relayed on a turn of its own.
        for (const update of updates) await room.applyFromServer(update, 'API')
        return versions.take('restore', { restoredFrom: info.v })
      })
      return { version }
    },
  )

  app.delete<{ Params: VersionParams }>(
    '/api/docs/:id/versions/:v',
    {
      preHandler: authorizer.require('owner'),
      schema: {
        summary: 'Delete a version',
        description: 'Owner key. The version is gone for good; the document itself does not change.',
        tags: ['versions'],
        security: bearer,
        params: versionParams,
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (request, reply) => {
      const { meta } = request.access!
      const { info } = await versionOf(meta.id, request.params.v)
      await store.deleteVersions(meta.id, [info.v])
      return reply.code(204).send()
    },
  )
}
