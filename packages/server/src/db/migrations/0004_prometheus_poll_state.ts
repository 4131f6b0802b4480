import type { Kysely } from 'kysely';

/**
 * Where polling a Prometheus-backed SLI stream has got to: the epoch minutes [covered_from,
 * covered_to) already read into the bucket store (each minute is read once, since buckets add
 * up), and the last success and error, so a status can say how stale the data is and why.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('prometheus_poll_state')
    .addColumn('stream', 'text', (c) => c.primaryKey())
    .addColumn('covered_from', 'bigint') // epoch minutes, inclusive
    .addColumn('covered_to', 'bigint') // epoch minutes, exclusive
    .addColumn('last_success_at', 'bigint') // epoch ms
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'bigint')
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0)) // consecutive
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('prometheus_poll_state').execute();
}
