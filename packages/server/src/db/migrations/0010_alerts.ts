import { type Kysely, sql } from 'kysely';

/**
 * Integrations (where alerts come in, with a hashed secret each), the alert store (one row per
 * alert identity) and its event log, whose `seq` is the cursor the routing pipeline reads by.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('integrations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text', (c) => c.references('teams.id').onDelete('set null'))
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('resolve_timeout_minutes', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('last_received_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  // A name is taken while its integration is active; a revoked one frees it.
  await db.schema
    .createIndex('integrations_active_name')
    .on('integrations')
    .column('name')
    .unique()
    .where(sql<boolean>`revoked_at is null`)
    .execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('fingerprint', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('acknowledged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('resolution', 'text')
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('annotations', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('generator_url', 'text')
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('integration_id', 'text', (c) => c.references('integrations.id').onDelete('set null'))
    .addColumn('first_received_at', 'bigint', (c) => c.notNull())
    .addColumn('last_received_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alerts_last_seq').on('alerts').column('last_seq').execute();
  // The sweep reads firing alerts only.
  await db.schema.createIndex('alerts_status').on('alerts').columns(['status', 'id']).execute();

  await db.schema
    .createTable('alert_events')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('alert_id', 'text', (c) => c.notNull().references('alerts.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alert_events_alert').on('alert_events').columns(['alert_id', 'seq']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('alert_events').execute();
  await db.schema.dropTable('alerts').execute();
  await db.schema.dropTable('integrations').execute();
}
