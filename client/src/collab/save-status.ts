import { CloseCode } from '@quire/shared'

/** Where the connection stands, as the page shows it. */
export type Connection = 'connecting' | 'online' | 'offline' | 'closed'

export interface StatusInput {
  /** Viewers have nothing to save: they see whether the document is live. */
  canWrite: boolean
  connection: Connection
  /** Some local change is not yet known to be on the server. */
  pending: boolean
  /** Every local change is written to this device's copy. */
  kept: boolean
  /** Why the server ended the connection for good (a close code), once it did. */
  closeCode?: number
}

export type StatusKind = 'connecting' | 'saving' | 'saved' | 'offline' | 'live' | 'closed'

export interface Status {
  kind: StatusKind
  label: string
}

/** What happened, in a few words, when the server ended the connection for good. */
function closedLabel(code: number | undefined): string {
  switch (code) {
    case CloseCode.documentDeleted:
      return 'Document deleted'
    case CloseCode.keyRevoked:
      return 'Link revoked'
    case CloseCode.documentTooLarge:
      return 'Document full — changes not saved'
    case CloseCode.tooManySockets:
      return 'Too many connections'
    default:
      return 'Disconnected'
  }
}

/** The status line: derived from the provider's real state, never from a timer. */
export function describeStatus({ canWrite, connection, pending, kept, closeCode }: StatusInput): Status {
  if (connection === 'closed') return { kind: 'closed', label: closedLabel(closeCode) }
  if (!canWrite) {
    if (connection === 'online') return { kind: 'live', label: 'Live' }
    if (connection === 'connecting') return { kind: 'connecting', label: 'Connecting…' }
    return { kind: 'offline', label: 'Offline' }
  }
  if (connection === 'offline') {
    if (!pending) return { kind: 'offline', label: 'Offline — everything is saved' }
    return kept ? { kind: 'offline', label: 'Offline — changes kept on this device' } : { kind: 'offline', label: 'Offline — keeping changes on this device…' }
  }
  if (pending) return { kind: 'saving', label: 'Saving…' }
  if (connection === 'connecting') return { kind: 'connecting', label: 'Connecting…' }
  return { kind: 'saved', label: 'Saved' }
}
