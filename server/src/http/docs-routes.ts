import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { docLink, EXPORT_FORMATS, type CreateDocRequest, type CreateDocResponse, type DocInfo, type DocLinks, type ExportFormat } from '@quire/shared'
import type { LinkKeys } from '../access/link-keys.js'
import { Errors } from '../errors.js'
import { initialState, MAX_TITLE_LENGTH, readTitle } from '../sync/doc-fields.js'
import { sendExport } from './export-reply.js'
import { apiError, docIdParams, docInfo, links } from './schemas.js'
import { filesForExport } from '../files/document-files.js'

/** A new document id: 16 URL-safe characters, 96 random bits. */
export function newDocId(): string {
  return randomBytes(12).toString('base64url')
}

/** The origin share links point at: PUBLIC_URL, else the one the request came to. */
export function publicOrigin(request: FastifyRequest, publicUrl: string | undefined): string {
  return publicUrl ?? `${request.protocol}://${request.host}`
}

export function shareLinks(keys: LinkKeys, origin: string, id: string, epoch: number): DocLinks {
  return {
    owner: docLink(origin, id, keys.mint(id, 'owner', epoch)),
    edit: docLink(origin, id, keys.mint(id, 'edit', epoch)),
    view: docLink(origin, id, keys.mint(id, 'view', epoch)),
    comment: docLink(origin, id, keys.mint(id, 'comment', epoch)),
  }
}

const bearer = [{ key: [] }]

export async function docsRoutes(app: FastifyInstance): Promise<void> {
  const { store, keys, rooms, config, authorizer, work } = app.quire

  app.post<{ Body: CreateDocRequest | null }>(
    '/api/docs',
    {
      config: { rateLimit: { max: config.createRatePerMinute, timeWindow: 60_000 } },
      schema: {
        summary: 'Create a document',
        description:
          'Anyone may create a document (rate-limited per address). Optional initial content in Markdown or HTML becomes real Yjs content; scripts and links other than http, https and mailto are dropped.',
        tags: ['documents'],
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: {
            title: { type: 'string', maxLength: MAX_TITLE_LENGTH },
            content: { type: 'string' },
            format: { type: 'string', enum: ['markdown', 'html'], default: 'markdown' },
          },
        },
        response: {
          201: {
            type: 'object',
            required: ['id', 'title', 'links'],
            properties: { id: { type: 'string' }, title: { type: 'string' }, links },
          },
          400: apiError,
          413: apiError,
          422: apiError,
          429: apiError,
        },
      },
    },
    async (request, reply): Promise<CreateDocResponse> => {
      const { title: rawTitle = '', content, format = 'markdown' } = request.body ?? {}
      const title = rawTitle.trim()
      const state = content === undefined ? initialState(title) : await work.importDoc({ content, format, title, maxDepth: config.maxNestingDepth })
      if (state.length > config.maxDocumentBytes) {
        throw Errors.documentTooLarge(`The imported document would take ${state.length} bytes; this server keeps documents up to ${config.maxDocumentBytes}.`)
      }
      const now = new Date().toISOString()
      const id = newDocId()
      await store.createDoc({ id, title, createdAt: now, updatedAt: now, epoch: 0 }, state)
      reply.code(201)
      return { id, title, links: shareLinks(keys, publicOrigin(request, config.publicUrl), id, 0) }
    },
  )

  app.get<{ Params: { id: string } }>(
    '/api/docs/:id',
    {
      preHandler: authorizer.require(),
      schema: {
        summary: "Read a document's metadata",
        description: 'Any valid key. The role is the role of the key presented.',
        tags: ['documents'],
        security: bearer,
        params: docIdParams,
        response: { 200: docInfo, 400: apiError, 401: apiError, 403: apiError, 404: apiError, 429: apiError },
      },
    },
    async (request): Promise<DocInfo> => {
      const { meta, role } = request.access!
      const room = rooms.get(meta.id)
      const title = room ? readTitle(room.doc) : meta.title
      return { id: meta.id, title, role, createdAt: meta.createdAt, updatedAt: meta.updatedAt }
    },
  )

  app.get<{ Params: { id: string }; Querystring: { format: ExportFormat; comments: 'true' | 'false' } }>(
    '/api/docs/:id/export',
    {
      preHandler: authorizer.require(),
      schema: {
        summary: "Export a document's current content",
        description:
          'Any valid key. Markdown, HTML (a whole page), ProseMirror JSON, plain text or a Word file (docx), as an attachment named after the title. `comments=true` adds the comment threads (not to a Word file): a numbered mark after each passage and the threads as footnotes (Markdown, text) or an `<aside>` (HTML); JSON always carries them, as `comments` beside the content.',
        tags: ['documents'],
        security: bearer,
        params: docIdParams,
        querystring: {
          type: 'object',
          properties: {
            format: { type: 'string', enum: [...EXPORT_FORMATS], default: 'markdown' },
            comments: { type: 'string', enum: ['true', 'false'], default: 'false' },
            key: { type: 'string' },
          },
        },
        response: {
          200: { description: 'The content, in the format asked for', type: 'string' },
          400: apiError,
          401: apiError,
          403: apiError,
          404: apiError,
          429: apiError,
        },
      },
    },
    async (request, reply) => {
      const { meta } = request.access!
      const state = await rooms.state(meta.id)
      const files = await filesForExport(store, meta.id, request.query.format)
      const { title, exported } = await work.render(state, request.query.format, { comments: request.query.comments === 'true', files })
      return sendExport(reply, exported!, title)
    },
  )

  app.get<{ Params: { id: string } }>(
    '/api/docs/:id/links',
    {
      preHandler: authorizer.require('owner'),
      schema: {
        summary: 'Read the current share links',
        description: 'Owner key: the owner, edit, view and comment links as they are now (after any rotation).',
        tags: ['documents'],
        security: bearer,
        params: docIdParams,
        response: {
          200: { type: 'object', required: ['links'], properties: { links } },
          400: apiError,
          401: apiError,
          403: apiError,
          404: apiError,
          429: apiError,
        },
      },
    },
    async (request) => {
      const { meta } = request.access!
      return { links: shareLinks(keys, publicOrigin(request, config.publicUrl), meta.id, meta.epoch) }
    },
  )

  app.post<{ Params: { id: string } }>(
    '/api/docs/:id/links/rotate',
    {
      preHandler: authorizer.require('owner'),
      schema: {
        summary: 'Rotate the share links',
        description: 'Owner key. Every older edit, view and comment key stops working at once; their open sockets are closed with 4401. The owner key stays.',
        tags: ['documents'],
        security: bearer,
        params: docIdParams,
        response: {
          200: { type: 'object', required: ['links'], properties: { links } },
          400: apiError,
          401: apiError,
          403: apiError,
          404: apiError,
          429: apiError,
        },
      },
    },
    async (request) => {
      const { meta } = request.access!
      const epoch = await rooms.rotate(meta)
      return { links: shareLinks(keys, publicOrigin(request, config.publicUrl), meta.id, epoch) }
    },
  )

  app.delete<{ Params: { id: string } }>(
    '/api/docs/:id',
    {
      preHandler: authorizer.require('owner'),
      schema: {
        summary: 'Delete a document',
        description: 'Owner key. Its content, log and sockets (closed with 4404) are gone; its id answers 404 from then on.',
        tags: ['documents'],
        security: bearer,
        params: docIdParams,
        response: { 204: { type: 'null' }, 400: apiError, 401: apiError, 403: apiError, 404: apiError, 429: apiError },
      },
    },
    async (request, reply) => {
      const { meta } = request.access!
      await rooms.delete(meta.id)
      return reply.code(204).send()
    },
  )
}
