import type pg from 'pg'

/**
 * The PostgreSQL schema, as ordered steps. The server applies the steps a database lacks when
 * it starts, each in its own transaction, recorded in `quire_migrations`; an advisory lock
 * makes a second server that starts at the same time wait instead of racing. A step is never
 * edited once released: a change is a new step.
 */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'documents, their update log, versions and settings',
    sql: `
      CREATE TABLE IF NOT EXISTS documents (
        id text PRIMARY KEY,
        title text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        epoch integer NOT NULL DEFAULT 0,
        -- The compacted state, and the last seq of the log it covers.
        base bytea,
        base_seq bigint NOT NULL DEFAULT -1,
        -- The last seq written: the next write takes the one after, under this row's lock.
        last_seq bigint NOT NULL DEFAULT -1
      );
      CREATE TABLE IF NOT EXISTS updates (
        doc_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        seq bigint NOT NULL,
        -- One write batch's updates of the document, packed.
        payload bytea NOT NULL,
        PRIMARY KEY (doc_id, seq)
      );
      CREATE TABLE IF NOT EXISTS versions (
        doc_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        v integer NOT NULL,
        info jsonb NOT NULL,
        state bytea NOT NULL,
        PRIMARY KEY (doc_id, v)
      );
      CREATE TABLE IF NOT EXISTS settings (
        name text PRIMARY KEY,
        value text NOT NULL
      );
      -- One write batch in one statement: each document's row is locked in id order (so two
      -- batches never wait for each other in a circle), its seq taken under the lock and its
      -- entry inserted, all in the statement's transaction. A document that is gone gets -1.
      CREATE OR REPLACE FUNCTION quire_append(doc_ids text[], payloads bytea[]) RETURNS bigint[] AS $$
      DECLARE
        seqs bigint[] := '{}';
        next_seq bigint;
      BEGIN
        PERFORM 1 FROM documents WHERE id = ANY (doc_ids) ORDER BY id FOR UPDATE;
        FOR i IN 1 .. coalesce(array_length(doc_ids, 1), 0) LOOP
          UPDATE documents SET last_seq = last_seq + 1, updated_at = now() WHERE id = doc_ids[i] RETURNING last_seq INTO next_seq;
          IF NOT FOUND THEN
            seqs := seqs || -1::bigint;
            CONTINUE;
          END IF;
          INSERT INTO updates (doc_id, seq, payload) VALUES (doc_ids[i], next_seq, payloads[i]);
          seqs := seqs || next_seq;
        END LOOP;
        RETURN seqs;
      END
      $$ LANGUAGE plpgsql;
    `,
  },
  {
    version: 2,
    name: 'a write batch checks the link epoch its writers hold',
    sql: `
      -- As quire_append, and an entry whose epoch (not null) is no longer the document's is
      -- not written: -2. Several instances write; a rotation one of them missed still holds.
      CREATE OR REPLACE FUNCTION quire_append(doc_ids text[], payloads bytea[], epochs integer[]) RETURNS bigint[] AS $$
      DECLARE
        seqs bigint[] := '{}';
        next_seq bigint;
        current_epoch integer;
      BEGIN
        PERFORM 1 FROM documents WHERE id = ANY (doc_ids) ORDER BY id FOR UPDATE;
        FOR i IN 1 .. coalesce(array_length(doc_ids, 1), 0) LOOP
          SELECT epoch INTO current_epoch FROM documents WHERE id = doc_ids[i];
          IF NOT FOUND THEN
            seqs := seqs || -1::bigint;
            CONTINUE;
          END IF;
          IF epochs[i] IS NOT NULL AND epochs[i] <> current_epoch THEN
            seqs := seqs || -2::bigint;
            CONTINUE;
          END IF;
          UPDATE documents SET last_seq = last_seq + 1, updated_at = now() WHERE id = doc_ids[i] RETURNING last_seq INTO next_seq;
          INSERT INTO updates (doc_id, seq, payload) VALUES (doc_ids[i], next_seq, payloads[i]);
          seqs := seqs || next_seq;
        END LOOP;
        RETURN seqs;
      END
      $$ LANGUAGE plpgsql;
    `,
  },
  {
    version: 3,
    name: 'files of documents (images), by hash',
    sql: `
      CREATE TABLE IF NOT EXISTS files (
        doc_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        -- The sha256 of the bytes, in hex: the same hash is the same file.
        hash text NOT NULL,
        type text NOT NULL,
        size integer NOT NULL,
        created_at timestamptz NOT NULL,
        bytes bytea NOT NULL,
        PRIMARY KEY (doc_id, hash)
      );
    `,
  },
]

/** The advisory lock every server takes while it migrates (a constant the schema owns). */
const MIGRATION_LOCK = 7_365_044_551

/** Brings the database's schema up to the newest step. Returns the versions applied now. */
export async function migrate(client: pg.ClientBase): Promise<number[]> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
  try {
    await client.query(
      'CREATE TABLE IF NOT EXISTS quire_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    )
    const { rows } = await client.query<{ version: number }>('SELECT version FROM quire_migrations')
    const done = new Set(rows.map(({ version }) => version))
    const newest = Math.max(0, ...done)
    const known = Math.max(...MIGRATIONS.map(({ version }) => version))
    if (newest > known) throw new Error(`the database's schema is version ${newest}, newer than this server knows (${known}): run a newer Quire`)
    const applied: number[] = []
    for (const step of MIGRATIONS) {
      if (done.has(step.version)) continue
      await client.query('BEGIN')
      try {
        await client.query(step.sql)
        await client.query('INSERT INTO quire_migrations (version, name) VALUES ($1, $2)', [step.version, step.name])
        await client.query('COMMIT')
      } catch (error) {
        await client.query('ROLLBACK')
        throw error
      }
      applied.push(step.version)
    }
    return applied
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK])
  }
}
