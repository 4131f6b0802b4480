import { type Kysely, SqliteAdapter, sql } from 'kysely';

/**
 * The SLI bucket store: (good, total) per stream per minute, the same SQL on SQLite and
 * PostgreSQL but for one clause. `double precision` because counts from Prometheus' increase()
 * are fractional.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  await db.schema
    .createTable('sli_buckets')
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('minute', 'bigint', (c) => c.notNull()) // epoch minutes: floor(epoch ms / 60000)
    .addColumn('good', 'double precision', (c) => c.notNull())
    .addColumn('total', 'double precision', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    // The primary key's index answers every per-stream range read and the newest minute of a stream.
    .addPrimaryKeyConstraint('sli_buckets_pk', ['stream', 'minute'])
    // SQLite: rows live in the primary key's B-tree instead of a rowid table plus an index of
    // the key, which halves the storage and makes an upsert one B-tree write instead of two.
    .$call((t) => (sqlite ? t.modifyEnd(sql`without rowid`) : t))
    .execute();

  // One row per stream, kept in step with its buckets by every write, so listing streams and
  // their data age never scans the buckets. dirty_from_minute: the earliest minute changed since
  // the evaluator last claimed the stream (null = nothing to re-evaluate).
  await db.schema
    .createTable('sli_streams')
    .addColumn('stream', 'text', (c) => c.primaryKey())
    .addColumn('first_minute', 'bigint', (c) => c.notNull())
    .addColumn('last_minute', 'bigint', (c) => c.notNull())
    .addColumn('buckets', 'bigint', (c) => c.notNull())
    .addColumn('dirty_from_minute', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // Idempotency-Key records of ingest batches, scoped per user (keys of different users never meet).
  await db.schema
    .createTable('ingest_batches')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull()) // JSON of the 200 reply
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ingest_batches_pk', ['scope', 'idempotency_key'])
    .execute();
  await db.schema.createIndex('ingest_batches_created').on('ingest_batches').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ingest_batches').execute();
  await db.schema.dropTable('sli_streams').execute();
  await db.schema.dropTable('sli_buckets').execute();
}
