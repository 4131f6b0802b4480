import type { Kysely } from 'kysely';

/**
 * Paging: one page (an escalation under a route's EscalationPolicy) per alert group episode, with
 * core's EscalationState as JSON and `next_at` for the paging job's due scan; and the alert
 * group's log (0013 has none): page started, steps notified and whom they reached, acknowledged,
 * resolved, exhausted. Neither references alert_groups: a group row is deleted when its last alert
 * resolves, and its page and log are kept as history.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().unique())
    .addColumn('group_key', 'text', (c) => c.notNull())
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull()) // JSON: core's EscalationState
    .addColumn('next_at', 'bigint')
    .addColumn('status', 'text', (c) => c.notNull()) // active | acknowledged | resolved | exhausted | cancelled
    .addColumn('acknowledged_by', 'text')
    .addColumn('acknowledged_via', 'text') // api | cli | link
    .addColumn('acknowledged_at', 'bigint')
    .addColumn('resolved_at', 'bigint')
    .addColumn('incident_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pages_due').on('pages').columns(['status', 'next_at']).execute();

  await db.schema
    .createTable('alert_group_log')
    .addColumn('id', 'text', (c) => c.primaryKey()) // UUIDv7: orders entries of the same instant
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull()) // JSON object
    .execute();
  await db.schema
    .createIndex('alert_group_log_group_at')
    .on('alert_group_log')
    .columns(['group_id', 'at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('alert_group_log').execute();
  await db.schema.dropTable('pages').execute();
}
