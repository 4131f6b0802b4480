import type { Kysely } from 'kysely';

/**
 * Capacity planning: resources and growth scenarios (written by apply), usage and Prometheus
 * poll state.
 *
 * Usage is kept twice: `capacity_samples` holds the samples as sent, one per resource and minute
 * (the time is floored to the minute and a sample for a minute already stored replaces it), and
 * `capacity_hours` the hourly max, sum and count recomputed from the samples of every hour a
 * write touched. Re-sending a batch therefore replaces the same rows and the hours come out the
 * same: idempotent without idempotency keys. Forecasts read the hours only. Both are pruned after
 * 400 days.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('capacity_resources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('capacity_scenarios')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('capacity_samples')
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('ts', 'bigint', (c) => c.notNull()) // epoch ms floored to the minute
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('capacity_samples_pk', ['resource', 'ts'])
    .execute();
  await db.schema
    .createTable('capacity_hours')
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('hour', 'bigint', (c) => c.notNull()) // epoch ms of the hour's start
    .addColumn('max', 'double precision', (c) => c.notNull())
    .addColumn('sum', 'double precision', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('capacity_hours_pk', ['resource', 'hour'])
    .execute();
  await db.schema
    .createTable('capacity_state')
    .addColumn('resource', 'text', (c) => c.primaryKey())
    .addColumn('usage_changed_at', 'bigint') // bumped on every usage write: the forecast cache key
    .addColumn('covered_from', 'bigint') // Prometheus: samples read over [from, to)
    .addColumn('covered_to', 'bigint')
    .addColumn('last_success_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('limit_value', 'double precision') // a limit query's latest value
    .addColumn('limit_at', 'bigint')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'capacity_state',
    'capacity_hours',
    'capacity_samples',
    'capacity_scenarios',
    'capacity_resources',
  ])
    await db.schema.dropTable(t).execute();
}
