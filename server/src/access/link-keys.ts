import { createHmac, timingSafeEqual } from 'node:crypto'
import { ROLES, type Role } from '@quire/shared'

/** Bytes of HMAC kept in a key: 144 bits, 24 URL-safe characters. */
const KEY_BYTES = 18
const KEY_PATTERN = /^[A-Za-z0-9_-]{24}$/

/**
 * Capability keys: a key is an HMAC of (document, role, link epoch) under the server's secret.
 * Rotating a document's links bumps its epoch, so every older edit, comment and view key fails; the
 * owner key does not depend on the epoch, so the owner keeps the document.
 */
export class LinkKeys {
  readonly #secret: Buffer

  constructor(secret: Buffer) {
    this.#secret = secret
  }

  mint(docId: string, role: Role, epoch: number): string {
    const keyEpoch = role === 'owner' ? 0 : epoch
    return createHmac('sha256', this.#secret).update(`quire-link-v1\0${docId}\0${role}\0${keyEpoch}`).digest().subarray(0, KEY_BYTES).toString('base64url')
  }

  /** The role `key` grants on `docId` at `epoch`, or undefined; compared in constant time. */
  verify(docId: string, key: string, epoch: number): Role | undefined {
    if (!KEY_PATTERN.test(key)) return undefined
    const given = Buffer.from(key, 'base64url')
    let granted: Role | undefined
    // Every role is compared, so the time taken says nothing about which one matched.
    for (const role of ROLES) {
      const expected = Buffer.from(this.mint(docId, role, epoch), 'base64url')
      if (timingSafeEqual(given, expected) && granted === undefined) granted = role
    }
    return granted
  }
}
