import { type Kysely, SqliteAdapter, sql } from 'kysely';

/**
 * Per-minute values of threshold and raw SLIs (a latency percentile, a precomputed ratio): one
 * gauge per stream per minute, the last one written wins. Kept beside sli_buckets with the same
 * key and retention; a stream's row in sli_streams covers both tables (first and last minute,
 * data age, the evaluator's dirty mark).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  await db.schema
    .createTable('sli_values')
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('minute', 'bigint', (c) => c.notNull()) // epoch minutes: floor(epoch ms / 60000)
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('sli_values_pk', ['stream', 'minute'])
    // SQLite: rows in the primary key's B-tree, as for sli_buckets (0003).
    .$call((t) => (sqlite ? t.modifyEnd(sql`without rowid`) : t))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sli_values').execute();
}
