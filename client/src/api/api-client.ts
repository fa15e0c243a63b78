import type { JSONContent } from '@tiptap/core'
import type {
  ApiError as ApiErrorBody,
  CreateDocResponse,
  CreateVersionRequest,
  DiffBlock,
  DocInfo,
  DocLinks,
  ExportFormat,
  VersionDetail,
  VersionDiff,
  VersionInfo,
} from '@quire/shared'

/** The server answered with an error status. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string

  constructor(status: number, code: string, message: string) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
  }
}

/** The server could not be reached at all (offline, or it is down). */
export class ServerUnreachable extends Error {
  constructor(cause: unknown) {
    super('The server cannot be reached.', { cause })
    this.name = 'ServerUnreachable'
  }
}

/** The HTTP API of one Quire server, as the browser uses it. Keys go in a header, never a URL. */
export class ApiClient {
  readonly #origin: string

  constructor(origin: string) {
    this.#origin = origin
  }

  createDoc(title?: string): Promise<CreateDocResponse> {
    return this.#json('POST', '/api/docs', undefined, title ? { title } : {})
  }

  docInfo(id: string, key: string): Promise<DocInfo> {
    return this.#json('GET', `/api/docs/${encodeURIComponent(id)}`, key)
  }

  async rotateLinks(id: string, key: string): Promise<DocLinks> {
    const { links } = await this.#json<{ links: DocLinks }>('POST', `/api/docs/${encodeURIComponent(id)}/links/rotate`, key)
    return links
  }

  /** Owner key: the edit and view links as they are now. */
  async links(id: string, key: string): Promise<DocLinks> {
    const { links } = await this.#json<{ links: DocLinks }>('GET', `/api/docs/${encodeURIComponent(id)}/links`, key)
    return links
  }

  async deleteDoc(id: string, key: string): Promise<void> {
    await this.#request('DELETE', `/api/docs/${encodeURIComponent(id)}`, key)
  }

  async exportDoc(id: string, key: string, format: ExportFormat): Promise<Blob> {
    const response = await this.#request('GET', `/api/docs/${encodeURIComponent(id)}/export?format=${format}`, key)
    return response.blob()
  }

  /** The versions, newest first. */
  async versions(id: string, key: string): Promise<VersionInfo[]> {
    const { versions } = await this.#json<{ versions: VersionInfo[] }>('GET', versionsPath(id), key)
    return versions
  }

  version(id: string, key: string, v: number): Promise<VersionDetail> {
    return this.#json('GET', versionsPath(id, v), key)
  }

  /** A version's body as ProseMirror JSON, for the editor to bring back. */
  versionContent(id: string, key: string, v: number): Promise<JSONContent> {
    return this.#json('GET', `${versionsPath(id, v)}?format=json`, key)
  }

  async exportVersion(id: string, key: string, v: number, format: ExportFormat): Promise<Blob> {
    const response = await this.#request('GET', `${versionsPath(id, v)}?format=${format}`, key)
    return response.blob()
  }

  /** What changed from a version to the server's current document. */
  async versionDiff(id: string, key: string, v: number): Promise<DiffBlock[]> {
    const { blocks } = await this.#json<VersionDiff>('GET', `${versionsPath(id, v)}/diff`, key)
    return blocks
  }

  /** Saves a named version, or records a restore this page made itself (`restoredFrom`). */
  createVersion(id: string, key: string, request: CreateVersionRequest): Promise<VersionInfo> {
    return this.#json('POST', versionsPath(id), key, request)
  }

  async #json<T>(method: string, path: string, key?: string, body?: unknown): Promise<T> {
    const response = await this.#request(method, path, key, body)
    return (await response.json()) as T
  }

  async #request(method: string, path: string, key?: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {}
    if (key !== undefined) headers.authorization = `Bearer ${key}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    let response: Response
    try {
      response = await fetch(this.#origin + path, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'omit',
      })
    } catch (error) {
      throw new ServerUnreachable(error)
    }
    if (!response.ok) throw await apiError(response)
    return response
  }
}

function versionsPath(id: string, v?: number): string {
  const path = `/api/docs/${encodeURIComponent(id)}/versions`
  return v === undefined ? path : `${path}/${v}`
}

export async function apiError(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as Partial<ApiErrorBody>
    if (typeof body.error === 'string' && typeof body.message === 'string') {
      return new ApiError(response.status, body.error, body.message)
    }
  } catch {
    // Not the contract's JSON (a proxy's error page, say): fall through to a generic error.
  }
  return new ApiError(response.status, 'http_error', `The server answered ${response.status}.`)
}
