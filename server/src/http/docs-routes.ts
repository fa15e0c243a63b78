import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { docLink, type CreateDocRequest, type CreateDocResponse, type DocLinks } from '@quire/shared'
import type { LinkKeys } from '../access/link-keys.js'
import { initialState, MAX_TITLE_LENGTH } from '../sync/doc-fields.js'

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
  }
}

export async function docsRoutes(app: FastifyInstance): Promise<void> {
  const { store, keys, config } = app.quire

  app.post<{ Body: CreateDocRequest | undefined }>(
    '/api/docs',
    {
      schema: {
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: {
            title: { type: 'string', maxLength: MAX_TITLE_LENGTH },
          },
        },
      },
    },
    async (request, reply): Promise<CreateDocResponse> => {
      const title = request.body?.title?.trim() ?? ''
      const now = new Date().toISOString()
      const id = newDocId()
      await store.createDoc({ id, title, createdAt: now, updatedAt: now, epoch: 0 }, initialState(title))
      reply.code(201)
      return { id, title, links: shareLinks(keys, publicOrigin(request, config.publicUrl), id, 0) }
    },
  )
}
