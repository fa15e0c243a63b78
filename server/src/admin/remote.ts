import type { ExportFormat } from '@quire/shared'
import type { DocMeta, StoredFile } from '../storage/doc-store.js'
import { BackupError, type BackupItem, type BackupManifest } from './backup.js'
import { writeBackup } from './backup.js'

/** One line of a streamed backup, as the server's admin route sends it. */
export type BackupLine =
  | { kind: 'secret'; linkSecret: string | null }
  | { kind: 'count'; documents: number }
  | { kind: 'doc'; meta: unknown; state: string }
  | { kind: 'version'; docId: string; info: unknown; state: string }
  | { kind: 'file'; docId: string; info: unknown; bytes: string }

export interface Listed {
  id: string
  title: string
  updatedAt: string
}

const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'))

/** A running server's admin routes, behind ADMIN_TOKEN. */
export class Remote {
  readonly #base: string
  readonly #token: string

  constructor(url: string, token: string) {
    this.#base = new URL(url).origin
    this.#token = token
  }

  /** Writes the server's backup into `dir`; `onCount` hears how many documents it holds first. */
  async backup(dir: string, onCount: (documents: number) => void, onDocument: () => void): Promise<BackupManifest> {
    const response = await this.#fetch('/api/admin/backup')
    let linkSecret: string | null = null
    const items = async function* (): AsyncIterable<BackupItem> {
      let buffered = ''
      for await (const chunk of response.body!.pipeThrough(new TextDecoderStream())) {
        buffered += chunk
        let newline
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = JSON.parse(buffered.slice(0, newline)) as BackupLine
          buffered = buffered.slice(newline + 1)
          if (line.kind === 'secret') linkSecret = line.linkSecret
          else if (line.kind === 'count') onCount(line.documents)
          else if (line.kind === 'doc') yield { kind: 'doc', meta: line.meta as DocMeta, state: bytes(line.state) }
          else if (line.kind === 'file') yield { kind: 'file', docId: line.docId, file: { ...(line.info as StoredFile), bytes: bytes(line.bytes) } }
          else yield { kind: 'version', docId: line.docId, version: { info: line.info as never, state: bytes(line.state) } }
        }
      }
    }
    return writeBackup(dir, items(), () => linkSecret, onDocument)
  }

  async list(): Promise<Listed[]> {
    return (await this.#fetch('/api/admin/docs')).json() as Promise<Listed[]>
  }

  async export(id: string, format: ExportFormat): Promise<string | Uint8Array | undefined> {
    const response = await fetch(`${this.#base}/api/admin/docs/${id}/export?format=${format}`, { headers: { authorization: `Bearer ${this.#token}` } })
    if (response.status === 404) return undefined
    if (!response.ok) throw new BackupError(`the server answered ${response.status}`)
    return format === 'docx' ? new Uint8Array(await response.arrayBuffer()) : response.text()
  }

  async compact(): Promise<number> {
    return ((await (await this.#fetch('/api/admin/compact', { method: 'POST' })).json()) as { compacted: number }).compacted
  }

  async #fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(this.#base + path, { ...init, headers: { authorization: `Bearer ${this.#token}` } })
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { message?: string }
      throw new BackupError(`the server answered ${response.status}: ${body.message ?? response.statusText}`)
    }
    return response
  }
}
