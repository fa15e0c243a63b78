import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import { isDocId, type Role } from '@quire/shared'
import type { AttemptLimiter } from '../access/attempt-limiter.js'
import type { LinkKeys } from '../access/link-keys.js'
import { Errors } from '../errors.js'
import type { DocMeta, DocStore } from '../storage/doc-store.js'

export interface Access {
  meta: DocMeta
  role: Role
}

/** What a socket's key grants: the role, at the link epoch it was checked against. */
export interface SocketAccess {
  id: string
  epoch: number
  role: Role
}

declare module 'fastify' {
  interface FastifyRequest {
    /** What the request's key grants on the document of its route. */
    access: Access | null
  }
}

/**
 * The key of a request: `Authorization: Bearer <key>`, else `?key=<key>`. Other schemes are
 * not ours: a browser behind a password-protected proxy sends Basic credentials on every
 * same-origin request, its sockets' upgrades included.
 */
export function requestKey(request: FastifyRequest): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')
  if (bearer) return bearer[1]
  const { key } = request.query as { key?: unknown }
  return typeof key === 'string' && key !== '' ? key : undefined
}

/**
 * Decides what a request may do with a document, in the contract's order: a bad id (400),
 * no key (401), no such document (404), a key that does not open it (403). Addresses that
 * fail too often are refused for a while (429).
 */
export class Authorizer {
  readonly #store: DocStore
  readonly #keys: LinkKeys
  readonly #attempts: AttemptLimiter

  constructor(store: DocStore, keys: LinkKeys, attempts: AttemptLimiter) {
    this.#store = store
    this.#keys = keys
    this.#attempts = attempts
  }

  async check(request: FastifyRequest, docId: unknown): Promise<Access> {
    const { id, key } = await this.#admit(request, docId)
    const meta = await this.#known(request, await this.#store.getMeta(id))
    return { meta, role: await this.#verify(request, id, key, meta.epoch) }
  }

  /**
   * The same for a socket, which needs the document's link epoch alone: `heldEpoch` gives it
   * for a document open here, where it is as current as the store's, without a read.
   */
  async checkSocket(request: FastifyRequest, docId: unknown, heldEpoch: (id: string) => number | undefined): Promise<SocketAccess> {
    const { id, key } = await this.#admit(request, docId)
    const epoch = heldEpoch(id) ?? (await this.#known(request, await this.#store.getMeta(id))).epoch
    return { id, epoch, role: await this.#verify(request, id, key, epoch) }
  }

  /** The checks before any read: the address's failures (429), the id (400), a key at all (401). */
  async #admit(request: FastifyRequest, docId: unknown): Promise<{ id: string; key: string }> {
    const retryAfter = await this.#attempts.retryAfter(request.ip)
    if (retryAfter > 0) throw Errors.rateLimited().withHeaders({ 'retry-after': String(retryAfter) })
    if (!isDocId(docId)) throw Errors.badDocId()
    const key = requestKey(request)
    if (key === undefined) {
      await this.#attempts.fail(request.ip)
      throw Errors.missingKey()
    }
    return { id: docId, key }
  }

  async #known(request: FastifyRequest, meta: DocMeta | undefined): Promise<DocMeta> {
    if (meta) return meta
    await this.#attempts.fail(request.ip)
    throw Errors.docNotFound()
  }

  async #verify(request: FastifyRequest, id: string, key: string, epoch: number): Promise<Role> {
    const role = this.#keys.verify(id, key, epoch)
    if (role) return role
    await this.#attempts.fail(request.ip)
    throw Errors.wrongKey()
  }

  /** A preHandler that admits keys of `roles` (any role when empty) to the route's `:id`. */
  require(...roles: Role[]): preHandlerAsyncHookHandler {
    return async (request) => {
      const access = await this.check(request, (request.params as { id?: unknown }).id)
      if (roles.length > 0 && !roles.includes(access.role)) throw Errors.forbidden()
      request.access = access
    }
  }
}
