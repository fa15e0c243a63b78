import type { ApiError as ApiErrorBody, UploadedFile } from '@quire/shared'
import { ApiError, ServerUnreachable, apiError } from './api-client.js'

/**
 * A document's images to and from the server: only a document page needs these, so they stay
 * out of the code the home page loads. Keys go in a header, never a URL.
 */
export class FilesApi {
  readonly #origin: string

  constructor(origin: string) {
    this.#origin = origin
  }

  /** One of the document's images, by hash (cached by the browser: a hash never changes its bytes). */
  async file(id: string, key: string, hash: string): Promise<Blob> {
    let response: Response
    try {
      response = await fetch(`${this.#origin}/api/docs/${encodeURIComponent(id)}/files/${hash}`, {
        headers: { authorization: `Bearer ${key}` },
        credentials: 'omit',
      })
    } catch (error) {
      throw new ServerUnreachable(error)
    }
    if (!response.ok) throw await apiError(response)
    return response.blob()
  }

  /** Sends an image; `onProgress` hears the share sent so far (XMLHttpRequest: fetch reports no upload progress). */
  uploadFile(id: string, key: string, file: Blob, onProgress: (sent: number) => void): Promise<UploadedFile> {
    return new Promise((resolve, reject) => {
      const request = new XMLHttpRequest()
      request.open('POST', `${this.#origin}/api/docs/${encodeURIComponent(id)}/files`)
      request.setRequestHeader('authorization', `Bearer ${key}`)
      request.setRequestHeader('content-type', 'application/octet-stream')
      request.upload.addEventListener('progress', (event) => event.lengthComputable && onProgress(event.loaded / event.total))
      request.addEventListener('error', () => reject(new ServerUnreachable(new Error('the upload failed'))))
      request.addEventListener('load', () => {
        const body = (() => {
          try {
            return JSON.parse(request.responseText) as unknown
          } catch {
            return undefined
          }
        })()
        if (request.status === 201) return resolve(body as UploadedFile)
        const error = body as Partial<ApiErrorBody> | undefined
        reject(new ApiError(request.status, error?.error ?? 'http_error', error?.message ?? `The server answered ${request.status}.`))
      })
      request.send(file)
    })
  }
}
