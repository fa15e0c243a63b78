import { ApiError } from '../api/api-client.js'
import type { FilesApi } from '../api/files-api.js'

/** The image types the server keeps (it checks the bytes; this only spares a useless upload). */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp']

/** Where one of this page's uploads stands: a share sent so far, or why it was refused. */
export interface UploadState {
  progress?: number
  error?: string
}

const RETRY_MS = 2_000
/** How long a page waits for an image someone else is still uploading. */
const MAX_WAITS = 150

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function sha256(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

/**
 * A document's images on this page. A new image is named by its sha256, computed here, so it
 * goes into the document at once and shows from its local bytes, even offline; the bytes go
 * to the server in the background, again and again until it is reachable. Images from others
 * are fetched with this page's key (never in an address) and shown from blob: URLs.
 */
export class DocFiles {
  readonly #api: FilesApi
  readonly #id: string
  readonly #key: () => string
  readonly #urls = new Map<string, Promise<string>>()
  readonly #pending = new Map<string, Blob>()
  readonly #states = new Map<string, UploadState>()
  readonly #listeners = new Map<string, Set<(state: UploadState) => void>>()
  #uploading = false

  constructor(api: FilesApi, id: string, key: () => string) {
    this.#api = api
    this.#id = id
    this.#key = key
  }

  /** Takes a picked, pasted or dropped image: its hash, for the document to refer to. */
  async add(file: Blob): Promise<string> {
    if (!IMAGE_TYPES.includes(file.type)) throw new Error('Only PNG, JPEG, GIF and WebP images can be added.')
    const hash = await sha256(file)
    if (!this.#urls.has(hash)) this.#urls.set(hash, Promise.resolve(URL.createObjectURL(file)))
    this.#pending.set(hash, file)
    this.#set(hash, { progress: 0 })
    void this.#uploadAll()
    return hash
  }

  /** An address the page can show the image at. */
  url(hash: string): Promise<string> {
    let url = this.#urls.get(hash)
    if (!url) {
      url = this.#fetch(hash)
      this.#urls.set(hash, url)
      // A failure is not kept: the next view of the image tries again.
      url.catch(() => this.#urls.delete(hash))
    }
    return url
  }

  /** Hears of this page's upload of `hash`; returns the way to stop hearing. */
  watch(hash: string, listener: (state: UploadState) => void): () => void {
    const listeners = this.#listeners.get(hash) ?? new Set()
    listeners.add(listener)
    this.#listeners.set(hash, listeners)
    const state = this.#states.get(hash)
    if (state) listener(state)
    return () => listeners.delete(listener)
  }

  /** Someone may have put the image in the document before its upload ended: it is waited for. */
  async #fetch(hash: string): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        return URL.createObjectURL(await this.#api.file(this.#id, this.#key(), hash))
      } catch (error) {
        const missing = error instanceof ApiError && error.status === 404
        if ((error instanceof ApiError && !missing) || attempt >= MAX_WAITS) throw error
        await wait(RETRY_MS)
      }
    }
  }

  /** One upload at a time, in order; an unreachable server is tried again until it answers. */
  async #uploadAll(): Promise<void> {
    if (this.#uploading) return
    this.#uploading = true
    try {
      for (;;) {
        const next = this.#pending.entries().next()
        if (next.done) return
        const [hash, blob] = next.value
        try {
          const uploaded = await this.#api.uploadFile(this.#id, this.#key(), blob, (progress) => this.#set(hash, { progress }))
          if (uploaded.hash !== hash) throw new Error('The server named the image differently.')
          this.#pending.delete(hash)
          this.#set(hash, {})
        } catch (error) {
          // Refused (too large, not an image…): said on the image, not tried again.
          if (error instanceof ApiError) {
            this.#pending.delete(hash)
            this.#set(hash, { error: error.message })
            continue
          }
          // Offline or unreachable: try again in a moment, or as soon as the browser is back online.
          await Promise.race([wait(RETRY_MS), new Promise((resolve) => addEventListener('online', resolve, { once: true }))])
        }
      }
    } finally {
      this.#uploading = false
    }
  }

  #set(hash: string, state: UploadState): void {
    this.#states.set(hash, state)
    for (const listener of this.#listeners.get(hash) ?? []) listener(state)
  }
}
