import type { FastifyRequest } from 'fastify'
import { isDocId, type Role } from '@quire/shared'
import type { LinkKeys } from '../access/link-keys.js'
import { Errors } from '../errors.js'
import type { DocMeta, DocStore } from '../storage/doc-store.js'

export interface Access {
  meta: DocMeta
  role: Role
}

/** The key of a request: `Authorization: Bearer <key>`, else `?key=<key>`. */
export function requestKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header)
    return match?.[1]
  }
  const { key } = request.query as { key?: unknown }
  return typeof key === 'string' && key !== '' ? key : undefined
}

/**
 * Decides what a request may do with a document, in the contract's order: a bad id (400),
 * no key (401), no such document (404), a key that does not open it (403).
 */
export async function authorize(
  store: DocStore,
  keys: LinkKeys,
  docId: unknown,
  key: string | undefined,
): Promise<Access> {
  if (!isDocId(docId)) throw Errors.badDocId()
  if (key === undefined) throw Errors.missingKey()
  const meta = await store.getMeta(docId)
  if (!meta) throw Errors.docNotFound()
  const role = keys.verify(docId, key, meta.epoch)
  if (!role) throw Errors.wrongKey()
  return { meta, role }
}
