import type { VersionInfo } from '@quire/shared'
import type { Log } from '../logger.js'
import {
  type DocHead,
  type DocMeta,
  type DocStore,
  type FileInfo,
  type LogAppend,
  type LogEntry,
  type Since,
  type SnapshotDoc,
  type StoreEvents,
  type StoredDoc,
  type StoredFile,
  type StoredVersion,
} from './doc-store.js'
import { packUpdates, unpackUpdates } from './packing.js'
import { PgHandle, type Row } from './pg-handle.js'
import { migrate } from './pg-schema.js'

export interface PgStoreOptions {
  /** `synchronous_commit`: on, a batch survives a crash of PostgreSQL's machine too; off, it may lose the last moment's. */
  syncWrites: boolean
  /** Connections at most. */
  poolSize: number
  /** How long one statement may run before PostgreSQL cancels it. */
  statementTimeoutMs: number
  log: Log
}

/** A class for this store's advisory locks, beside the document's own hash. */
const COMPACTION_LOCK_CLASS = 7_365_044

type DocRow = {
  id: string
  title: string
  created_at: Date
  updated_at: Date
  epoch: number
}

const META_COLUMNS = 'id, title, created_at, updated_at, epoch'

/**
 * Documents in PostgreSQL, a store that several servers can share. A write batch is one
 * statement (`quire_append`): each document's seq is taken under its row lock in the
 * transaction that inserts the entry, so seq order is commit order, without gaps. A lost
 * connection makes the store unhealthy (readiness 503, writes refused) until a probe finds
 * PostgreSQL again.
 */
export class PgStore implements DocStore {
  readonly #pg: PgHandle
  readonly #log: Log

  constructor(url: string, options: PgStoreOptions) {
    this.#pg = new PgHandle(url, options)
    this.#log = options.log
  }

  get healthy(): boolean {
    return this.#pg.healthy
  }

  get connections(): { total: number; idle: number; waiting: number } {
    return this.#pg.connections
  }

  observe(events: StoreEvents): void {
    this.#pg.events = events
  }

  async open(): Promise<void> {
    const applied = await this.#pg.withClient(migrate)
    if (applied.length > 0) this.#log.info({ versions: applied }, 'database schema migrated')
  }

  close(): Promise<void> {
    return this.#pg.close()
  }

  async createDoc(meta: DocMeta, state: Uint8Array): Promise<void> {
    await this.#pg.query('INSERT INTO documents (id, title, created_at, updated_at, epoch, base) VALUES ($1, $2, $3, $4, $5, $6)', [
      meta.id,
      meta.title,
      meta.createdAt,
      meta.updatedAt,
      meta.epoch,
      state,
    ])
  }

  async getMeta(id: string): Promise<DocMeta | undefined> {
    const [row] = await this.#pg.query<DocRow>(`SELECT ${META_COLUMNS} FROM documents WHERE id = $1`, [id])
    return row && metaOf(row)
  }

  async putMeta(meta: DocMeta): Promise<void> {
    await this.#pg.query('UPDATE documents SET created_at = $2, epoch = $3 WHERE id = $1', [meta.id, meta.createdAt, meta.epoch])
  }

  loadDoc(id: string): Promise<StoredDoc> {
    return this.#loadDoc(id, (text, values) => this.#pg.query(text, values))
  }

  async #loadDoc(id: string, query: <R extends Row>(text: string, values: unknown[]) => Promise<R[]>): Promise<StoredDoc> {
    // One statement, one snapshot: the base and the log after it agree. (bigint comes as text.)
    const [row] = await query<{ base: Buffer | null; last_seq: string; seqs: string[] | null; payloads: Buffer[] | null }>(
      `SELECT d.base, d.last_seq, l.seqs, l.payloads FROM documents d
       LEFT JOIN LATERAL (
         SELECT array_agg(seq ORDER BY seq) AS seqs, array_agg(payload ORDER BY seq) AS payloads FROM updates WHERE doc_id = d.id AND seq > d.base_seq
       ) l ON true
       WHERE d.id = $1`,
      [id],
    )
    if (!row) return { base: undefined, log: [], lastSeq: -1 }
    const log: LogEntry[] = []
    for (const [i, seq] of (row.seqs ?? []).entries()) {
      for (const update of unpackUpdates(row.payloads![i]!)) log.push({ seq: Number(seq), update })
    }
    return { base: row.base ?? undefined, log, lastSeq: Number(row.last_seq) }
  }

  async appendUpdates(entries: readonly LogAppend[]): Promise<number[]> {
    if (entries.length === 0) return []
    this.#pg.assertHealthy()
    const [row] = await this.#pg.query<{ seqs: string[] }>('SELECT quire_append($1::text[], $2::bytea[], $3::integer[]) AS seqs', [
      entries.map(({ docId }) => docId),
      entries.map(({ updates }) => Buffer.from(packUpdates(updates))),
      entries.map(({ epoch }) => epoch ?? null),
    ])
    return row!.seqs.map(Number)
  }

  async readSince(id: string, afterSeq: number): Promise<Since> {
    // One statement, one snapshot: a compaction between two reads cannot open a hole.
    const [row] = await this.#pg.query<{ base: Buffer | null; base_seq: string; seqs: string[] | null; payloads: Buffer[] | null }>(
      `SELECT CASE WHEN d.base_seq > $2 THEN d.base END AS base, d.base_seq, l.seqs, l.payloads FROM documents d
       LEFT JOIN LATERAL (
         SELECT array_agg(seq ORDER BY seq) AS seqs, array_agg(payload ORDER BY seq) AS payloads
         FROM updates WHERE doc_id = d.id AND seq > greatest(d.base_seq, $2)
       ) l ON true
       WHERE d.id = $1`,
      [id, afterSeq],
    )
    if (!row) return { baseSeq: -1, log: [] }
    const log = (row.seqs ?? []).flatMap((seq, i) => unpackUpdates(row.payloads![i]!).map((update) => ({ seq: Number(seq), update })))
    return { ...(row.base ? { base: row.base } : {}), baseSeq: Number(row.base_seq), log }
  }

  async heads(ids: readonly string[]): Promise<Map<string, DocHead>> {
    if (ids.length === 0) return new Map()
    const rows = await this.#pg.query<{ id: string; last_seq: string; epoch: number }>(
      'SELECT id, last_seq, epoch FROM documents WHERE id = ANY ($1::text[])',
      [[...ids]],
    )
    return new Map(rows.map(({ id, last_seq, epoch }) => [id, { lastSeq: Number(last_seq), epoch }]))
  }

  async compact(id: string, state: Uint8Array, throughSeq: number, title: string): Promise<void> {
    this.#pg.assertHealthy()
    await this.#pg.transaction(async (client) => {
      // One compaction of a document at a time, whichever server runs it; one that covers
      // less than the base already does changes nothing, and no entry after `throughSeq` goes.
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [COMPACTION_LOCK_CLASS, id])
      const { rowCount } = await client.query('UPDATE documents SET base = $2, base_seq = $3, title = $4 WHERE id = $1 AND base_seq <= $3', [
        id,
        state,
        throughSeq,
        title,
      ])
      if (rowCount === 1) await client.query('DELETE FROM updates WHERE doc_id = $1 AND seq <= $2', [id, throughSeq])
    })
  }

  async deleteDoc(id: string): Promise<void> {
    this.#pg.assertHealthy()
    // Its log and versions go with it (ON DELETE CASCADE).
    await this.#pg.query('DELETE FROM documents WHERE id = $1', [id])
  }

  async *listDocs(): AsyncIterable<DocMeta> {
    let after = ''
    for (;;) {
      const rows = await this.#pg.query<DocRow>(`SELECT ${META_COLUMNS} FROM documents WHERE id > $1 ORDER BY id LIMIT 500`, [after])
      for (const row of rows) yield metaOf(row)
      if (rows.length < 500) return
      after = rows.at(-1)!.id
    }
  }

  async *snapshotDocs(): AsyncIterable<SnapshotDoc> {
    const client = await this.#pg.connect()
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
      const query = async <R extends Row>(text: string, values: unknown[]) => (await client.query<R>(text, values)).rows
      let after = ''
      for (;;) {
        const rows = await query<DocRow>(`SELECT ${META_COLUMNS} FROM documents WHERE id > $1 ORDER BY id LIMIT 100`, [after])
        for (const row of rows) {
          const versions = await query<{ info: VersionInfo }>('SELECT info FROM versions WHERE doc_id = $1 ORDER BY v', [row.id])
          yield {
            meta: metaOf(row),
            stored: await this.#loadDoc(row.id, query),
            versions: versions.map(({ info }) => info),
            version: async (v: number) => {
              const [found] = await query<{ info: VersionInfo; state: Buffer }>('SELECT info, state FROM versions WHERE doc_id = $1 AND v = $2', [row.id, v])
              return found && { info: found.info, state: found.state }
            },
          }
        }
        if (rows.length < 100) break
        after = rows.at(-1)!.id
      }
      await client.query('COMMIT')
    } finally {
      client.release()
    }
  }

  async addVersion(id: string, info: Omit<VersionInfo, 'v'>, state: Uint8Array): Promise<VersionInfo> {
    // The document's row lock orders the instances that add versions at once; the insert, a
    // statement of its own, reads the numbers as they are once the lock is held.
    let added: VersionInfo | undefined
    await this.#pg.transaction(async (client) => {
      const { rowCount } = await client.query('SELECT 1 FROM documents WHERE id = $1 FOR UPDATE', [id])
      if (rowCount !== 1) throw new Error(`document ${id} does not exist`)
      const { rows } = await client.query<{ info: VersionInfo }>(
        `INSERT INTO versions (doc_id, v, info, state)
         SELECT $1, next.v, jsonb_set($2::jsonb, '{v}', to_jsonb(next.v)), $3 FROM (SELECT coalesce(max(v), 0) + 1 AS v FROM versions WHERE doc_id = $1) next
         RETURNING info`,
        [id, JSON.stringify(info), state],
      )
      added = rows[0]!.info
    })
    return added!
  }

  async putVersion(id: string, { info, state }: StoredVersion): Promise<void> {
    await this.#pg.query(
      'INSERT INTO versions (doc_id, v, info, state) VALUES ($1, $2, $3, $4) ON CONFLICT (doc_id, v) DO UPDATE SET info = excluded.info, state = excluded.state',
      [id, info.v, JSON.stringify(info), state],
    )
  }

  async listVersions(id: string): Promise<VersionInfo[]> {
    const rows = await this.#pg.query<{ info: VersionInfo }>('SELECT info FROM versions WHERE doc_id = $1 ORDER BY v', [id])
    return rows.map(({ info }) => info)
  }

  async getVersion(id: string, v: number): Promise<StoredVersion | undefined> {
    const [row] = await this.#pg.query<{ info: VersionInfo; state: Buffer }>('SELECT info, state FROM versions WHERE doc_id = $1 AND v = $2', [id, v])
    return row && { info: row.info, state: row.state }
  }

  async deleteVersions(id: string, vs: readonly number[]): Promise<void> {
    await this.#pg.query('DELETE FROM versions WHERE doc_id = $1 AND v = ANY ($2::integer[])', [id, [...vs]])
  }

  async putFile(id: string, { hash, type, size, createdAt, bytes }: StoredFile): Promise<boolean> {
    // Written only while the document exists; a file already there stays.
    const rows = await this.#pg.query<{ exists: boolean }>(
      `WITH doc AS (SELECT id FROM documents WHERE id = $1),
            added AS (INSERT INTO files (doc_id, hash, type, size, created_at, bytes) SELECT id, $2, $3, $4, $5, $6 FROM doc ON CONFLICT DO NOTHING)
       SELECT true AS exists FROM doc`,
      [id, hash, type, size, createdAt, bytes],
    )
    return rows.length > 0
  }

  async getFile(id: string, hash: string): Promise<StoredFile | undefined> {
    const [row] = await this.#pg.query<FileRow & { bytes: Buffer }>(`SELECT ${FILE_COLUMNS}, bytes FROM files WHERE doc_id = $1 AND hash = $2`, [id, hash])
    return row && { ...fileInfoOf(row), bytes: row.bytes }
  }

  async listFiles(id: string): Promise<FileInfo[]> {
    return (await this.#pg.query<FileRow>(`SELECT ${FILE_COLUMNS} FROM files WHERE doc_id = $1 ORDER BY hash`, [id])).map(fileInfoOf)
  }

  async deleteFiles(id: string, hashes: readonly string[]): Promise<void> {
    await this.#pg.query('DELETE FROM files WHERE doc_id = $1 AND hash = ANY ($2::text[])', [id, [...hashes]])
  }

  /** The value of a setting, written once: the first value stored wins, whoever stores it. */
  async settingOnce(name: string, value: string): Promise<string> {
    await this.#pg.query('INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, value])
    const [row] = await this.#pg.query<{ value: string }>('SELECT value FROM settings WHERE name = $1', [name])
    return row!.value
  }
}

function metaOf(row: DocRow): DocMeta {
  return { id: row.id, title: row.title, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString(), epoch: row.epoch }
}

const FILE_COLUMNS = 'hash, type, size, created_at'
type FileRow = { hash: string; type: string; size: number; created_at: Date }

function fileInfoOf({ hash, type, size, created_at }: FileRow): FileInfo {
  return { hash, type, size, createdAt: created_at.toISOString() }
}
