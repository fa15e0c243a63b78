import { CloseCode } from '@quire/shared'
import type { Peer, Room } from './room.js'

/** A socket that asks to join: the room checks its key's epoch, and whether it is still open. */
export interface JoiningPeer extends Peer {
  readonly isOpen: boolean
}

/**
 * Why a socket did not join: its key was revoked, the document is full, gone, cannot be
 * loaded now, or the socket left while it loaded.
 */
export type Refusal = 'revoked' | 'full' | 'gone' | 'unavailable' | 'left'

/** How a socket that did not join is closed (one that left needs no close). */
export const REFUSAL_CLOSE: Record<Exclude<Refusal, 'left'>, CloseCode> = {
  revoked: CloseCode.keyRevoked,
  full: CloseCode.tooManySockets,
  gone: CloseCode.documentDeleted,
  unavailable: CloseCode.storageFailure,
}

/** Why `peer` may not join `room` with a key of `keyEpoch` (none: it may). */
export function refusalOf(room: Room, peer: JoiningPeer, keyEpoch: number, maxPeers: number): Refusal | undefined {
  if (!peer.isOpen) return 'left'
  if (peer.role !== 'owner' && room.epoch !== keyEpoch) return 'revoked'
  if (room.peers.size >= maxPeers) return 'full'
  return undefined
}
