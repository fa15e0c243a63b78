import { CLOSE_REASONS, CloseCode } from '@quire/shared'

/** What the page says when it cannot go on: a heading, a sentence, and what the reader can do. */
export interface StopMessage {
  title: string
  body: string
  /** Offer to try again: only where a retry can succeed later. */
  retry?: boolean
}

/** The message for a permanent close (4400–4499) of the collaboration socket. */
export function closeMessage(code: number, reason: string): StopMessage {
  switch (code) {
    case CloseCode.keyRevoked:
      return {
        title: 'This link no longer works',
        body: 'The owner made new links for this document, so this one was revoked. Ask them for the new link.',
      }
    case CloseCode.documentDeleted:
      return { title: 'This document was deleted', body: 'Its owner deleted it; the copy on this device was removed too.' }
    case CloseCode.documentTooLarge:
      return {
        title: 'This document is full',
        body: 'It reached its size limit. You can still read it, but new changes cannot be saved.',
      }
    case CloseCode.tooManySockets:
      return {
        title: 'Too many connections',
        body: 'Too many people or tabs are connected to this document right now. Try again in a moment.',
        retry: true,
      }
    default: {
      const known = (CLOSE_REASONS as Record<number, string | undefined>)[code]
      return { title: 'Disconnected', body: known ?? (reason ? `The server closed the connection: ${reason}` : 'The server closed the connection.') }
    }
  }
}

/** The message for an answer of the documents API while opening a page. */
export function openFailureMessage(status: number): StopMessage {
  switch (status) {
    case 401:
      return { title: 'This link has no key', body: 'Share links end in #key=…; copy the whole link and try again.' }
    case 403:
      return {
        title: 'This link does not open the document',
        body: 'The key is wrong, or the owner made new links and this one was revoked. Ask them for the current link.',
      }
    case 404:
      return { title: 'No such document', body: 'It was deleted, or the link is mistyped.' }
    case 400:
      return { title: 'This is not a document link', body: 'Check the address and try again.' }
    case 429:
      return { title: 'Too many attempts', body: 'Wait a minute, then try again.', retry: true }
    default:
      return { title: 'The document could not be opened', body: `The server answered ${status}. Try again in a moment.`, retry: true }
  }
}
