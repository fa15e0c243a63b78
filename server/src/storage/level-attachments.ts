import type { VersionInfo } from '@quire/shared'
import type { FileInfo, StoredFile, StoredVersion } from './doc-store.js'
import type { LevelHandle, ReadOptions } from './level-handle.js'
import {
  decodeFileInfo,
  fileDataKey,
  fileInfoEnd,
  fileInfoKey,
  fileInfoPrefix,
  metaKey,
  versionInfoKey,
  versionInfoPrefix,
  versionStateKey,
} from './level-layout.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** What the LevelDB store keeps of a document beside its content: its versions and its files. */
export class LevelAttachments {
  readonly #handle: LevelHandle
  #addingVersion: Promise<unknown> = Promise.resolve()

  constructor(handle: LevelHandle) {
    this.#handle = handle
  }

  /** One at a time: each takes the number after the last one's (one process writes a LevelDB). */
  addVersion(id: string, info: Omit<VersionInfo, 'v'>, state: Uint8Array): Promise<VersionInfo> {
    const adding = this.#addingVersion.then(async () => {
      const [last] = await this.#handle.db.keys({ gt: versionInfoPrefix(id), lt: versionInfoPrefix(id).slice(0, -1) + '"', reverse: true, limit: 1 }).all()
      const added = { ...info, v: last === undefined ? 1 : parseInt(last.slice(versionInfoPrefix(id).length), 16) + 1 }
      await this.putVersion(id, { info: added, state })
      return added
    })
    this.#addingVersion = adding.catch(() => undefined)
    return adding
  }

  async putVersion(id: string, { info, state }: StoredVersion): Promise<void> {
    await this.#handle.write([
      { type: 'put', key: versionInfoKey(id, info.v), value: encoder.encode(JSON.stringify(info)) },
      { type: 'put', key: versionStateKey(id, info.v), value: state },
    ])
  }

  async listVersions(id: string, read: ReadOptions = {}): Promise<VersionInfo[]> {
    const prefix = versionInfoPrefix(id)
    const values = await this.#handle.db.values({ ...read, gt: prefix, lt: prefix.slice(0, -1) + '"' }).all()
    return values.map((value) => JSON.parse(decoder.decode(value)) as VersionInfo)
  }

  async getVersion(id: string, v: number, read: ReadOptions = {}): Promise<StoredVersion | undefined> {
    const [info, state] = await this.#handle.db.getMany([versionInfoKey(id, v), versionStateKey(id, v)], read)
    if (info === undefined || state === undefined) return undefined
    return { info: JSON.parse(decoder.decode(info)) as VersionInfo, state }
  }

  async deleteVersions(id: string, vs: readonly number[]): Promise<void> {
    await this.#handle.write(
      vs.flatMap((v) => [
        { type: 'del' as const, key: versionInfoKey(id, v) },
        { type: 'del' as const, key: versionStateKey(id, v) },
      ]),
    )
  }

  async putFile(id: string, { hash, type, size, createdAt, bytes }: StoredFile): Promise<boolean> {
    const [meta, known] = await this.#handle.db.getMany([metaKey(id), fileInfoKey(id, hash)])
    if (meta === undefined) return false
    if (known !== undefined) return true
    await this.#handle.write([
      { type: 'put', key: fileDataKey(id, hash), value: bytes },
      { type: 'put', key: fileInfoKey(id, hash), value: encoder.encode(JSON.stringify({ type, size, createdAt })) },
    ])
    return true
  }

  async getFile(id: string, hash: string): Promise<StoredFile | undefined> {
    const [info, bytes] = await this.#handle.db.getMany([fileInfoKey(id, hash), fileDataKey(id, hash)])
    if (info === undefined || bytes === undefined) return undefined
    return { ...decodeFileInfo(hash, info), bytes }
  }

  async listFiles(id: string): Promise<FileInfo[]> {
    const prefix = fileInfoPrefix(id)
    const entries = await this.#handle.db.iterator({ gt: prefix, lt: fileInfoEnd(id) }).all()
    return entries.map(([key, value]) => decodeFileInfo(key.slice(prefix.length), value))
  }

  async deleteFiles(id: string, hashes: readonly string[]): Promise<void> {
    await this.#handle.write(
      hashes.flatMap((hash) => [
        { type: 'del' as const, key: fileInfoKey(id, hash) },
        { type: 'del' as const, key: fileDataKey(id, hash) },
      ]),
    )
  }
}
