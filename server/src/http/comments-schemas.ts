import { CommentLimits } from '@quire/shared/comments'
import { docIdParams } from './schemas.js'

/** The shapes of the comments API (see comments-routes.ts), for validation and the OpenAPI document. */

const COMMENT_ID = '^[A-Za-z0-9_-]{1,64}$'
export const author = {
  type: 'object',
  additionalProperties: false,
  description: 'Who writes: a name and a six-digit hex colour, as presence shows them (default "API", grey)',
  properties: { name: { type: 'string', minLength: 1, maxLength: CommentLimits.maxNameLength }, color: { type: 'string', pattern: '^#[0-9a-fA-F]{6}$' } },
} as const

/** A message's text: its length is checked by the comments themselves (413 past the limit). */
export const text = { type: 'string', description: `The message; at most ${CommentLimits.maxMessageLength} characters` } as const

const message = {
  type: 'object',
  required: ['id', 'author', 'color', 'text', 'createdAt', 'editedAt', 'deleted'],
  properties: {
    id: { type: 'string' },
    author: { type: 'string' },
    color: { type: 'string' },
    text: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    editedAt: { type: ['string', 'null'], format: 'date-time' },
    deleted: { type: 'boolean' },
  },
} as const

export const thread = {
  type: 'object',
  required: ['id', 'quote', 'anchoredText', 'range', 'author', 'color', 'createdAt', 'resolved', 'resolvedBy', 'resolvedAt', 'messages'],
  properties: {
    id: { type: 'string' },
    quote: { type: 'string', description: 'The passage as quoted when the thread started' },
    anchoredText: { type: ['string', 'null'], description: 'What the thread covers now; null once that passage was deleted' },
    range: {
      type: ['object', 'null'],
      description: "Where that is in the document's plain text (its text blocks joined by line breaks)",
      required: ['from', 'to'],
      properties: { from: { type: 'integer' }, to: { type: 'integer' } },
    },
    author: { type: 'string' },
    color: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    resolved: { type: 'boolean' },
    resolvedBy: { type: ['string', 'null'] },
    resolvedAt: { type: ['string', 'null'], format: 'date-time' },
    messages: { type: 'array', items: message },
  },
} as const

export const threadParams = {
  type: 'object',
  required: ['id', 'thread'],
  properties: { ...docIdParams.properties, thread: { type: 'string', pattern: COMMENT_ID } },
} as const

export const messageParams = {
  type: 'object',
  required: ['id', 'thread', 'message'],
  properties: { ...threadParams.properties, message: { type: 'string', pattern: COMMENT_ID } },
} as const

export type ThreadParams = { id: string; thread: string }
export type MessageParams = ThreadParams & { message: string }
