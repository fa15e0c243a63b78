import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import * as decoding from 'lib0/decoding'
import { encodeAwareness, encodeSyncStep1, encodeSyncStep2, encodeUpdate, MessageType, SyncStep } from '@quire/shared'
import { waitFor } from './wait.js'

type ProviderOptions = NonNullable<ConstructorParameters<typeof WebsocketProvider>[3]>

export interface TestClient {
  doc: Y.Doc
  provider: WebsocketProvider
  destroy(): void
}

/**
 * A stock y-websocket client, as an application would make it; `disableBc` so that clients in
 * one process cannot sync behind the server's back.
 */
export function openClient(collabUrl: string, docId: string, key: string, doc = new Y.Doc()): TestClient {
  const provider = new WebsocketProvider(collabUrl, docId, doc, {
    WebSocketPolyfill: WebSocket as unknown as ProviderOptions['WebSocketPolyfill'],
    disableBc: true,
    params: { key },
  })
  return {
    doc,
    provider,
    destroy() {
      provider.destroy()
      doc.destroy()
    },
  }
}

/** A stock client that has finished its first sync. */
export async function connectClient(collabUrl: string, docId: string, key: string, doc?: Y.Doc): Promise<TestClient> {
  const client = openClient(collabUrl, docId, key, doc)
  await waitFor(`client of ${docId} to sync`, () => client.provider.synced)
  return client
}

export interface Closed {
  code: number
  reason: string
}

/** A protocol-level client: sends whatever bytes a test wants, records what comes back. */
export class RawSocket {
  readonly ws: WebSocket
  readonly received: Uint8Array[] = []
  readonly closed: Promise<Closed>
  #closeInfo: Closed | undefined

  private constructor(ws: WebSocket) {
    this.ws = ws
    ws.on('message', (data: Buffer) => this.received.push(new Uint8Array(data)))
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        this.#closeInfo = { code, reason: reason.toString() }
        resolve(this.#closeInfo)
      }),
    )
  }

  static open(url: string, options: WebSocket.ClientOptions = {}): Promise<RawSocket> {
    const ws = new WebSocket(url, options)
    const socket = new RawSocket(ws)
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket))
      ws.once('error', reject)
    })
  }

  get isClosed(): boolean {
    return this.#closeInfo !== undefined
  }

  send(bytes: Uint8Array | number[]): void {
    this.ws.send(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes))
  }

  /**
   * Completes the sync handshake with an empty document, as a stock client does: our state
   * vector, and an empty step 2 for the server's. Resolves with what a stock client holds once
   * synced: the server's step 2 merged with the updates that came before it.
   */
  async sync(): Promise<Uint8Array> {
    this.send(syncMessage(SyncStep.step1, Y.encodeStateVector(new Y.Doc())))
    this.send(syncMessage(SyncStep.step2, Y.encodeStateAsUpdate(new Y.Doc())))
    const received = await waitFor('a sync step 2', () => {
      const messages = this.received.map(readSync)
      const step2 = messages.findIndex((m) => m?.step === SyncStep.step2)
      return step2 >= 0 && messages.slice(0, step2 + 1)
    })
    return Y.mergeUpdates(received.filter((m) => m?.step === SyncStep.update || m?.step === SyncStep.step2).map((m) => m!.payload))
  }

  close(): void {
    this.ws.close()
  }
}

/** The status an upgrade was refused with, or 101 if it was not. */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0)
      ws.terminate()
    })
    ws.on('open', () => {
      resolve(101)
      ws.close()
    })
    ws.on('error', (error) => reject(error))
  })
}

/** A sync message of `step` (step 1, step 2 or update), made by the shared encoders. */
export function syncMessage(step: number, payload: Uint8Array): Uint8Array {
  const encoders: Record<number, (payload: Uint8Array) => Uint8Array> = {
    [SyncStep.step1]: encodeSyncStep1,
    [SyncStep.step2]: encodeSyncStep2,
    [SyncStep.update]: encodeUpdate,
  }
  const encode = encoders[step]
  if (!encode) throw new Error(`no sync step ${step}`)
  return encode(payload)
}

/** An awareness message; a state that is not a string is sent as its JSON. */
export function awarenessMessage(entries: { clientId: number; clock: number; state: unknown }[]): Uint8Array {
  return encodeAwareness(entries.map(({ clientId, clock, state }) => ({ clientId, clock, state: typeof state === 'string' ? state : JSON.stringify(state) })))
}

/** The step and payload of a sync message, or undefined for any other message. */
export function readSync(message: Uint8Array): { step: number; payload: Uint8Array } | undefined {
  const decoder = decoding.createDecoder(message)
  if (decoding.readVarUint(decoder) !== MessageType.sync) return undefined
  return { step: decoding.readVarUint(decoder), payload: decoding.readVarUint8Array(decoder) }
}

/** The awareness entries of an awareness message, or undefined for any other message. */
export function readAwareness(message: Uint8Array): { clientId: number; clock: number; state: string }[] | undefined {
  const decoder = decoding.createDecoder(message)
  if (decoding.readVarUint(decoder) !== MessageType.awareness) return undefined
  const payload = decoding.createDecoder(decoding.readVarUint8Array(decoder))
  const count = decoding.readVarUint(payload)
  const entries = []
  for (let i = 0; i < count; i++) {
    entries.push({
      clientId: decoding.readVarUint(payload),
      clock: decoding.readVarUint(payload),
      state: decoding.readVarString(payload),
    })
  }
  return entries
}

/** An update that types `text` into the Y.Text `field` of a fresh client. */
export function textUpdate(text: string, field = 'text', clientId?: number): Uint8Array {
  const doc = new Y.Doc()
  if (clientId !== undefined) doc.clientID = clientId
  doc.getText(field).insert(0, text)
  const update = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return update
}

/** The document the server holds, as a fresh Y.Doc read through a new socket. */
export async function serverState(collabUrl: string, docId: string, key: string): Promise<Y.Doc> {
  const socket = await RawSocket.open(`${collabUrl}/${docId}?key=${key}`)
  const state = await socket.sync()
  socket.close()
  const doc = new Y.Doc()
  Y.applyUpdate(doc, state)
  return doc
}
