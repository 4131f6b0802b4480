import type { Kysely } from 'kysely';

/** The evaluator's latest answer per SLO, shared by every Headroom process that serves the API. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('slo_status')
    .addColumn('slo_name', 'text', (c) => c.primaryKey())
    .addColumn('evaluated_at', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('slo_status').execute();
}
