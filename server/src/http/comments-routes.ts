import type { FastifyInstance } from 'fastify'
import * as Y from 'yjs'
import { COMMENT_STATUSES, type CommentAuthorInput, type CommentStatus, type CommentThreadInfo, type CreateCommentRequest } from '@quire/shared'
import { CommentLimits, type CommentAuthor, type CommentRefusal } from '@quire/shared/comments'
import type { CommentChange, CommentOutcome } from '../comments/comment-changes.js'
import { Errors, type QuireError } from '../errors.js'
import { author, messageParams, text, thread, threadParams, type MessageParams, type ThreadParams } from './comments-schemas.js'
import { apiError, docIdParams } from './schemas.js'

const bearer = [{ key: [] }]
const errors = { 400: apiError, 401: apiError, 403: apiError, 404: apiError, 413: apiError, 422: apiError, 429: apiError }
/** Who wrote through the API without saying. */
const DEFAULT_AUTHOR: CommentAuthor = { name: 'API', color: '#6b7280' }

/** Why a change was refused, as the contract's error answer. */
function refusal({ reason, message: detail }: { reason: CommentRefusal; message: string }): QuireError {
  switch (reason) {
    case 'empty':
      return Errors.badRequest(detail)
    case 'no_passage':
      return Errors.passageNotFound(detail)
    case 'too_long':
      return Errors.commentTooLong(detail)
    case 'too_many_threads':
    case 'too_many_replies':
      return Errors.tooManyComments(detail)
    case 'no_thread':
    case 'no_message':
      return Errors.commentNotFound(detail)
    case 'not_author':
      return Errors.forbidden(detail)
  }
}

function authorOf(input: CommentAuthorInput | undefined): CommentAuthor {
  return { name: input?.name?.trim() || DEFAULT_AUTHOR.name, color: input?.color?.toLowerCase() ?? DEFAULT_AUTHOR.color }
}

/**
 * Comment threads: list, read, start, answer, edit, resolve, reopen, delete. Every change is made
 * on a worker thread from the document's current state and written through the room like an
 * editor's update (stored, then applied and relayed), so open editors see it at once.
 */
export async function commentsRoutes(app: FastifyInstance): Promise<void> {
  const { rooms, authorizer, work, config } = app.quire
  const writers = authorizer.require('owner', 'edit', 'comment')

  /** Makes a change to the comments of `id`; the thread after it. */
  const change = (id: string, made: CommentChange, by: string): Promise<CommentThreadInfo | null> =>
    rooms.with(id, async (room) => {
      // Whatever the room has taken so far is in the state the change builds on.
      await room.flushed()
      const state = Y.encodeStateAsUpdate(room.doc)
      const outcome: CommentOutcome = await work.commentChange(state, made)
      if (!outcome.ok) throw refusal(outcome)
      if (outcome.update) {
        if (state.length + outcome.update.length > config.maxDocumentBytes) throw Errors.documentTooLarge()
        await room.applyFromServer(outcome.update, by)
      }
      return outcome.thread
    })

  const threadOf = async (id: string, threadId: string): Promise<CommentThreadInfo> => {
    const found = (await work.comments(await rooms.state(id), 'all')).find((one) => one.id === threadId)
    if (!found) throw Errors.commentNotFound()
    return found
  }

  app.get<{ Params: { id: string }; Querystring: { status: CommentStatus } }>(
    '/api/docs/:id/comments',
    {
      preHandler: authorizer.require(),
      schema: {
        summary: 'List the comment threads, oldest first',
        description: 'Any valid key. `status`: open threads (the default), resolved ones, or all.',
        tags: ['comments'],
        security: bearer,
        params: docIdParams,
        querystring: { type: 'object', properties: { status: { type: 'string', enum: [...COMMENT_STATUSES], default: 'open' }, key: { type: 'string' } } },
        response: { 200: { type: 'object', required: ['threads'], properties: { threads: { type: 'array', items: thread } } }, ...errors },
      },
    },
    async (request) => ({ threads: await work.comments(await rooms.state(request.access!.meta.id), request.query.status) }),
  )

  app.get<{ Params: ThreadParams }>(
    '/api/docs/:id/comments/:thread',
    {
      preHandler: authorizer.require(),
      schema: {
        summary: 'Read one thread',
        description: 'Any valid key.',
        tags: ['comments'],
        security: bearer,
        params: threadParams,
        response: { 200: thread, ...errors },
      },
    },
    async (request) => threadOf(request.access!.meta.id, request.params.thread),
  )

  app.post<{ Params: { id: string }; Body: CreateCommentRequest }>(
    '/api/docs/:id/comments',
    {
      preHandler: writers,
      schema: {
        summary: 'Start a thread on a passage',
        description: `Owner, edit and comment keys. The passage is the \`occurrence\`-th (from 1) copy of \`quote\` in the document's plain text (its text blocks joined by line breaks), or the plain-text range \`from\`–\`to\`. At most ${CommentLimits.maxThreads} threads a document (413).`,
        tags: ['comments'],
        security: bearer,
        params: docIdParams,
        body: {
          type: 'object',
          required: ['text'],
          additionalProperties: false,
          properties: {
            text,
            quote: { type: 'string', minLength: 1, maxLength: 10_000 },
            occurrence: { type: 'integer', minimum: 1, maximum: 1_000_000 },
            from: { type: 'integer', minimum: 0 },
            to: { type: 'integer', minimum: 1 },
            author,
          },
        },
        response: { 201: thread, ...errors },
      },
    },
    async (request, reply) => {
      const { text: message, quote, occurrence = 1, from, to } = request.body
      const anchor = quote !== undefined ? { quote, occurrence } : from !== undefined && to !== undefined ? { from, to } : undefined
      if (!anchor || (quote !== undefined && (from !== undefined || to !== undefined))) {
        throw Errors.badRequest('Give the passage either as "quote" (and "occurrence"), or as "from" and "to".')
      }
      const by = authorOf(request.body.author)
      const created = await change(request.access!.meta.id, { kind: 'create', anchor, text: message, author: by, now: Date.now() }, by.name)
      reply.code(201)
      return created
    },
  )

  app.post<{ Params: ThreadParams; Body: { text: string; author?: CommentAuthorInput } }>(
    '/api/docs/:id/comments/:thread/replies',
    {
      preHandler: writers,
      schema: {
        summary: 'Answer a thread',
        description: `Owner, edit and comment keys. At most ${CommentLimits.maxReplies} replies a thread (413).`,
        tags: ['comments'],
        security: bearer,
        params: threadParams,
        body: { type: 'object', required: ['text'], additionalProperties: false, properties: { text, author } },
        response: { 201: thread, ...errors },
      },
    },
    async (request, reply) => {
      const by = authorOf(request.body.author)
      const answered = await change(
        request.access!.meta.id,
        { kind: 'reply', threadId: request.params.thread, text: request.body.text, author: by, now: Date.now() },
        by.name,
      )
      reply.code(201)
      return answered
    },
  )

  app.patch<{ Params: MessageParams; Body: { text: string; author: CommentAuthorInput } }>(
    '/api/docs/:id/comments/:thread/messages/:message',
    {
      preHandler: writers,
      schema: {
        summary: 'Edit a message',
        description: 'Owner, edit and comment keys, for a message written under the same author name (there are no accounts).',
        tags: ['comments'],
        security: bearer,
        params: messageParams,
        body: { type: 'object', required: ['text', 'author'], additionalProperties: false, properties: { text, author: { ...author, required: ['name'] } } },
        response: { 200: thread, ...errors },
      },
    },
    async (request) => {
      const by = authorOf(request.body.author)
      const { thread: threadId, message: messageId } = request.params
      return change(request.access!.meta.id, { kind: 'edit', threadId, messageId, text: request.body.text, author: by, now: Date.now() }, by.name)
    },
  )

  app.delete<{ Params: MessageParams; Querystring: { author?: string } }>(
    '/api/docs/:id/comments/:thread/messages/:message',
    {
      preHandler: writers,
      schema: {
        summary: 'Delete a message',
        description:
          'Owner, edit and comment keys: a message written under the `author` name given (there are no accounts); the owner key deletes any. The thread keeps a mark where it was.',
        tags: ['comments'],
        security: bearer,
        params: messageParams,
        querystring: { type: 'object', properties: { author: { type: 'string', maxLength: CommentLimits.maxNameLength }, key: { type: 'string' } } },
        response: { 200: thread, ...errors },
      },
    },
    async (request) => {
      const { meta, role } = request.access!
      const by = authorOf({ name: request.query.author })
      const { thread: threadId, message: messageId } = request.params
      return change(meta.id, { kind: 'delete-message', threadId, messageId, author: by, anyone: role === 'owner' }, by.name)
    },
  )

  for (const [action, resolved] of [
    ['resolve', true],
    ['reopen', false],
  ] as const) {
    app.post<{ Params: ThreadParams; Body: { author?: CommentAuthorInput } | null }>(
      `/api/docs/:id/comments/:thread/${action}`,
      {
        preHandler: writers,
        schema: {
          summary: resolved ? 'Resolve a thread' : 'Reopen a resolved thread',
          description: 'Owner, edit and comment keys.',
          tags: ['comments'],
          security: bearer,
          params: threadParams,
          body: { type: ['object', 'null'], additionalProperties: false, properties: { author } },
          response: { 200: thread, ...errors },
        },
      },
      async (request) => {
        const by = authorOf(request.body?.author)
        return change(request.access!.meta.id, { kind: 'resolve', threadId: request.params.thread, resolved, author: by, now: Date.now() }, by.name)
      },
    )
  }

  app.delete<{ Params: ThreadParams }>(
    '/api/docs/:id/comments/:thread',
    {
      preHandler: authorizer.require('owner'),
      schema: {
        summary: 'Delete a thread',
        description: 'Owner key: the thread and all its messages are gone.',
        tags: ['comments'],
        security: bearer,
        params: threadParams,
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (request, reply) => {
      await change(request.access!.meta.id, { kind: 'delete-thread', threadId: request.params.thread }, 'owner')
      return reply.code(204).send()
    },
  )
}
