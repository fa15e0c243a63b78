import type { VersionInfo } from '@quire/shared'

/**
 * The only door to disk. Everything the server keeps about a document goes through this
 * interface; a backend is one file that passes the contract suite in `test/contract/`.
 */

/** What the store keeps about a document besides its content. */
export interface DocMeta {
  id: string
  /** The title as of the last compaction (the live title is in the Y.Doc). */
  title: string
  createdAt: string
  /** Set by every write of the document's content. */
  updatedAt: string
  /** Bumped by a link rotation: keys minted for an older epoch no longer verify. */
  epoch: number
}

/** One logged update, in the order it was written (the updates of one batch share a seq). */
export interface LogEntry {
  seq: number
  update: Uint8Array
}

/** A document's stored content: apply `base`, then every log entry in order. */
export interface StoredDoc {
  base: Uint8Array | undefined
  log: LogEntry[]
  /** The last seq written (in the log, or folded into the base); the next write takes a higher one. */
  lastSeq: number
}

/** A saved version of a document: its metadata, and its whole state. */
export interface StoredVersion {
  info: VersionInfo
  state: Uint8Array
}

/** A file of a document (an image), as the store lists it. */
export interface FileInfo {
  /** The sha256 of its bytes, 64 lowercase hex digits: the file's name within its document. */
  hash: string
  /** Its media type, as sniffed from its bytes when it came in. */
  type: string
  size: number
  createdAt: string
}

/** A file with its bytes. */
export interface StoredFile extends FileInfo {
  bytes: Uint8Array
}

/** A document as a backup reads it: as it was when the snapshot began. */
export interface SnapshotDoc {
  meta: DocMeta
  stored: StoredDoc
  /** Its versions' metadata, oldest first. */
  versions: VersionInfo[]
  /** Reads one version's state (one at a time: a document may keep many). */
  version(v: number): Promise<StoredVersion | undefined>
}

/** One document's updates of one write batch: a single log entry. */
export interface LogAppend {
  docId: string
  updates: readonly Uint8Array[]
  /**
   * The link epoch the writers' keys were minted for (none: an owner key or the server): the
   * entry is written only while the document is still at that epoch. A rotation that another
   * instance made, and whose message never arrived, still stops a revoked key here.
   */
  epoch?: number
}

/** What `appendUpdates` answers for an entry that was not written. */
export const NOT_WRITTEN = {
  /** The document no longer exists. */
  gone: -1,
  /** The document's links were rotated past the entry's epoch. */
  revoked: -2,
} as const

/** A document's content after a seq: see DocStore.readSince. */
export interface Since {
  /** The base, when it covers entries after the seq asked for; it covers them up to `baseSeq`. */
  base?: Uint8Array
  baseSeq: number
  log: LogEntry[]
}

/** Where a document stands: its last seq and link epoch, as a cheap check reads them. */
export interface DocHead {
  lastSeq: number
  epoch: number
}

export interface DocStore {
  /** False after a write failed, until the store has been reopened. */
  readonly healthy: boolean
  open(): Promise<void>
  close(): Promise<void>
  /** Creates a document with its metadata and first state, atomically. */
  createDoc(meta: DocMeta, state: Uint8Array): Promise<void>
  getMeta(id: string): Promise<DocMeta | undefined>
  putMeta(meta: DocMeta): Promise<void>
  loadDoc(id: string): Promise<StoredDoc>
  /**
   * Appends the updates of any number of documents in one atomic write, an entry each (a
   * document may have several), and returns the seq each entry took: the next of its
   * document's, taken as it is written, so seq order is commit order. An entry not written
   * gets a NOT_WRITTEN value instead.
   */
  appendUpdates(entries: readonly LogAppend[]): Promise<number[]>
  /**
   * What a document holds after `afterSeq` (what a gap in the updates an instance saw misses):
   * the log entries after it, in order, and the base too when a compaction folded some of them
   * into it.
   */
  readSince(id: string, afterSeq: number): Promise<Since>
  /** The heads of these documents; a document that no longer exists is missing from the map. */
  heads(ids: readonly string[]): Promise<Map<string, DocHead>>
  /** Replaces the base with `state` and drops the log up to `throughSeq`, atomically. */
  compact(id: string, state: Uint8Array, throughSeq: number, title: string): Promise<void>
  /** Deletes the document with everything it has: log, versions, files. */
  deleteDoc(id: string): Promise<void>
  listDocs(): AsyncIterable<DocMeta>
  /** Every document with its content, all read at one point in time. */
  snapshotDocs(): AsyncIterable<SnapshotDoc>
  /**
   * Keeps a new version under the next number of the document's (one more than its highest,
   * taken atomically: several instances may add versions at once); returns its metadata.
   */
  addVersion(id: string, info: Omit<VersionInfo, 'v'>, state: Uint8Array): Promise<VersionInfo>
  /** Keeps a version under its own number, replacing one there (a rename; a restore from a backup). */
  putVersion(id: string, version: StoredVersion): Promise<void>
  /** The versions' metadata, oldest first. */
  listVersions(id: string): Promise<VersionInfo[]>
  getVersion(id: string, v: number): Promise<StoredVersion | undefined>
  deleteVersions(id: string, vs: readonly number[]): Promise<void>
  /**
   * Keeps a file of a document under its hash; a file already there stays as it is (the same
   * hash is the same bytes). Returns false, writing nothing, when the document does not exist.
   */
  putFile(id: string, file: StoredFile): Promise<boolean>
  getFile(id: string, hash: string): Promise<StoredFile | undefined>
  /** A document's files without their bytes, by hash. */
  listFiles(id: string): Promise<FileInfo[]>
  deleteFiles(id: string, hashes: readonly string[]): Promise<void>
  /**
   * A setting written once (the first value stored wins) in a store that several servers
   * share; a store without it keeps its settings beside it (LevelDB: files in DATA_DIR).
   */
  settingOnce?(name: string, value: string): Promise<string>
  /** Reports what the store does from now on, for metrics (a database store has more to say). */
  observe?(events: StoreEvents): void
  /** Connections to the database: open, idle, and requests waiting for one. */
  readonly connections?: { total: number; idle: number; waiting: number }
}

/** What a database store reports as it works. */
export interface StoreEvents {
  /** A statement or transaction finished, after `seconds`. */
  storeQueried?(seconds: number): void
  /** A statement failed. */
  storeFailed?(): void
}

/** The data folder's LevelDB is open in another process (LevelDB lets one process have it). */
export class StoreLockedError extends Error {
  override name = 'StoreLockedError'
  constructor(
    readonly location: string,
    options?: ErrorOptions,
  ) {
    super(`the LevelDB in ${location} is in use by another process`, options)
  }
}

/** A write was refused because the store is recovering from an earlier failure. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError'
  constructor(options?: ErrorOptions) {
    super('the store is unavailable: it is recovering from a failure', options)
  }
}
