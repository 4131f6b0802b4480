import type { Kysely } from 'kysely';

/**
 * Follow-up of incidents: one postmortem per incident (its Markdown sections as JSON, core's
 * Postmortem shape), action items with a short id (AI-<number>), and the notification channels
 * subscribed to an incident's status updates. An action item's team is its service's owner,
 * looked up when listing, so a service changing hands moves its open items with it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('postmortems')
    .addColumn('incident_id', 'text', (c) => c.primaryKey().references('incidents.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('sections', 'text', (c) => c.notNull()) // JSON: section key → Markdown
    .addColumn('authors', 'text', (c) => c.notNull()) // JSON array of user names
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('published_at', 'bigint')
    .execute();

  await db.schema
    .createTable('action_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'bigint', (c) => c.notNull().unique())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('service', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('due_date', 'text') // YYYY-MM-DD
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('ticket_url', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('action_items_incident').on('action_items').columns(['incident_id']).execute();
  await db.schema
    .createIndex('action_items_status_due')
    .on('action_items')
    .columns(['status', 'due_date'])
    .execute();

  await db.schema
    .createTable('incident_subscribers')
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull()) // a NotificationChannel name
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_subscribers_pk', ['incident_id', 'channel'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('incident_subscribers').execute();
  await db.schema.dropTable('action_items').execute();
  await db.schema.dropTable('postmortems').execute();
}
