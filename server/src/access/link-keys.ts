import { createHmac, timingSafeEqual } from 'node:crypto'
import { ROLES, type Role } from '@quire/shared'
import { Recent } from '../storage/recent.js'

/** Bytes of HMAC kept in a key: 144 bits, 24 URL-safe characters. */
const KEY_BYTES = 18
const KEY_PATTERN = /^[A-Za-z0-9_-]{24}$/
/** Documents whose keys are kept minted: a join to an open document then hashes nothing. */
const MINTED_DOCUMENTS = 1024

/**
 * Capability keys: a key is an HMAC of (document, role, link epoch) under the server's secret.
 * Rotating a document's links bumps its epoch, so every older edit, comment and view key fails; the
 * owner key does not depend on the epoch, so the owner keeps the document.
 */
export class LinkKeys {
  readonly #secret: Buffer
  /** Each recent document's keys for every role, in `ROLES` order, at the epoch they were minted for. */
  readonly #minted = new Recent<{ epoch: number; keys: Buffer[] }>(MINTED_DOCUMENTS)

  constructor(secret: Buffer) {
    this.#secret = secret
  }

  mint(docId: string, role: Role, epoch: number): string {
    return this.#mac(docId, role, epoch).toString('base64url')
  }

  /** The role `key` grants on `docId` at `epoch`, or undefined; compared in constant time. */
  verify(docId: string, key: string, epoch: number): Role | undefined {
    if (!KEY_PATTERN.test(key)) return undefined
    const given = Buffer.from(key, 'base64url')
    const expected = this.#keysOf(docId, epoch)
    let granted: Role | undefined
    // Every role is compared, so the time taken says nothing about which one matched.
    ROLES.forEach((role, i) => {
      if (timingSafeEqual(given, expected[i]!) && granted === undefined) granted = role
    })
    return granted
  }

  #keysOf(docId: string, epoch: number): Buffer[] {
    const known = this.#minted.get(docId)
    if (known?.epoch === epoch) return known.keys
    const keys = ROLES.map((role) => this.#mac(docId, role, epoch))
    this.#minted.remember(docId, { epoch, keys })
    return keys
  }

  #mac(docId: string, role: Role, epoch: number): Buffer {
    const keyEpoch = role === 'owner' ? 0 : epoch
    return createHmac('sha256', this.#secret).update(`quire-link-v1\0${docId}\0${role}\0${keyEpoch}`).digest().subarray(0, KEY_BYTES)
  }
}
