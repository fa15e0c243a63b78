import { describe, expect, it } from 'vitest'
import { CloseCode } from '@quire/shared'
import { describeStatus } from '../src/collab/save-status.js'

describe('describeStatus', () => {
  const writer = { canWrite: true, pending: false, kept: true } as const
  it('tells a writer whether every change reached the server', () => {
    expect(describeStatus({ ...writer, connection: 'online' }).label).toBe('Saved')
    expect(describeStatus({ ...writer, connection: 'online', pending: true }).label).toBe('Saving…')
    expect(describeStatus({ ...writer, connection: 'connecting' }).label).toBe('Connecting…')
  })

  it('says offline changes are kept on this device only once they are', () => {
    expect(describeStatus({ ...writer, connection: 'offline', pending: true }).label).toBe('Offline — changes kept on this device')
    expect(describeStatus({ ...writer, connection: 'offline', pending: true, kept: false }).label).toBe('Offline — keeping changes on this device…')
    expect(describeStatus({ ...writer, connection: 'offline' }).kind).toBe('offline')
  })

  it('says what happened when the server ended the connection for good', () => {
    expect(describeStatus({ ...writer, connection: 'closed', closeCode: CloseCode.documentDeleted })).toEqual({ kind: 'closed', label: 'Document deleted' })
    expect(describeStatus({ ...writer, connection: 'closed', closeCode: CloseCode.keyRevoked }).label).toBe('Link revoked')
    expect(describeStatus({ canWrite: false, connection: 'closed', pending: false, kept: true, closeCode: CloseCode.documentDeleted }).label).toBe(
      'Document deleted',
    )
    expect(describeStatus({ ...writer, connection: 'closed' }).label).toBe('Disconnected')
  })

  it('shows a viewer whether the document is live', () => {
    expect(describeStatus({ canWrite: false, connection: 'online', pending: true, kept: true }).label).toBe('Live')
    expect(describeStatus({ canWrite: false, connection: 'offline', pending: false, kept: true }).label).toBe('Offline')
  })
})
