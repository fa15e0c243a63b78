/** JSON schemas shared by the routes: Fastify validates with them and OpenAPI shows them. */
import { DOC_ID_PATTERN, ROLES } from '@quire/shared'

export const apiError = {
  description: 'An error',
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'A stable code, such as not_found' },
    message: { type: 'string', description: 'A sentence for people' },
  },
} as const

export const docIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: DOC_ID_PATTERN.source } },
} as const

const link = { type: 'string', description: '<origin>/d/<id>#key=<key>' } as const

export const links = {
  type: 'object',
  required: ['owner', 'edit', 'view', 'comment'],
  properties: { owner: link, edit: link, view: link, comment: link },
} as const

export const docInfo = {
  type: 'object',
  required: ['id', 'title', 'role', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    role: { type: 'string', enum: [...ROLES] },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const
