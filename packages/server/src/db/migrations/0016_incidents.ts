import type { Kysely } from 'kysely';

/**
 * Incidents and their timeline. `document` holds core's whole Incident (roles, services, alert
 * groups, milestones) as JSON; status, severity and declared_at are columns too, for listing and
 * the MTTx period. `number` gives the short id (INC-<number>). Timeline rows are never changed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'bigint', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('declared_at', 'bigint', (c) => c.notNull())
    .addColumn('services', 'text', (c) => c.notNull()) // JSON array
    .addColumn('alert_groups', 'text', (c) => c.notNull()) // JSON array
    .addColumn('document', 'text', (c) => c.notNull()) // JSON: core's Incident
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incidents_declared').on('incidents').columns(['declared_at']).execute();
  await db.schema.createIndex('incidents_status').on('incidents').columns(['status']).execute();

  await db.schema
    .createTable('incident_timeline')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull()) // JSON object
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('incident_timeline_incident_at')
    .on('incident_timeline')
    .columns(['incident_id', 'at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('incident_timeline').execute();
  await db.schema.dropTable('incidents').execute();
}
