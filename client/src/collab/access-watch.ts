import { CloseCode } from '@quire/shared'
import { ApiError, type ApiClient } from '../api/api-client.js'
import type { DocSession, PermanentClose } from './doc-session.js'

/** Seldom enough to be no load on the server, often enough for a person waiting. */
const CHECK_INTERVAL_MS = 10_000

/**
 * Notices when the key stopped working while the page was not connected. A revoked key is
 * refused at the upgrade with a plain HTTP status, which a browser reports to the provider as
 * just another failed connection, so it would keep retrying and look offline for ever. After
 * failed attempts, this asks the documents API (at most every ten seconds once it answers) and turns a 403
 * or 404 into the same permanent close the server sends to open sockets.
 */
export function watchAccess(session: DocSession, api: ApiClient, currentKey: () => string, onLost: (close: PermanentClose) => void): () => void {
  // Only answers count: while the server is unreachable each check fails at once, costing nothing.
  let lastAnswer = 0
  let checking = false
  const check = async () => {
    if (session.closed || session.provider.wsconnected || checking || Date.now() - lastAnswer < CHECK_INTERVAL_MS) return
    checking = true
    try {
      await api.docInfo(session.id, currentKey())
      lastAnswer = Date.now()
    } catch (error) {
      if (!(error instanceof ApiError) || session.closed) return
      lastAnswer = Date.now()
      if (error.status === 403) onLost({ code: CloseCode.keyRevoked, reason: 'the key is no longer valid' })
      else if (error.status === 404) onLost({ code: CloseCode.documentDeleted, reason: 'the document was deleted' })
    } finally {
      checking = false
    }
  }
  const onClose = () => void check()
  session.provider.on('connection-close', onClose)
  return () => session.provider.off('connection-close', onClose)
}
