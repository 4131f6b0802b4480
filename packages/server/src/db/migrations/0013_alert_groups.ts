import type { Kysely } from 'kysely';

/**
 * Aggregation groups of the alert pipeline (Alertmanager's dispatcher, kept in the database so
 * that a restart or another Headroom process continues where it was): one row per (route, group
 * labels), its members, and how far the pipeline has read the alert change feed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('alert_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Route id and Alertmanager's group key: unique per route and group labels.
    .addColumn('route_id', 'text', (c) => c.notNull())
    .addColumn('group_key', 'text', (c) => c.notNull())
    .addColumn('receiver', 'text', (c) => c.notNull())
    .addColumn('group_labels', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_flush_at', 'bigint')
    // JSON {at, firing[], resolved[]} of the last notification, null before the first.
    .addColumn('last_notification', 'text')
    // When the group next needs looking at, and why (the "next notification at … because …").
    .addColumn('next_at', 'bigint')
    .addColumn('explanation', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('alert_groups_route_key')
    .on('alert_groups')
    .columns(['route_id', 'group_key'])
    .unique()
    .execute();
  await db.schema
    .createTable('alert_group_members')
    .addColumn('group_id', 'text', (c) => c.notNull().references('alert_groups.id').onDelete('cascade'))
    .addColumn('alert_id', 'text', (c) => c.notNull().references('alerts.id').onDelete('cascade'))
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_group_members_pk', ['group_id', 'alert_id'])
    .execute();
  await db.schema
    .createIndex('alert_group_members_alert')
    .on('alert_group_members')
    .column('alert_id')
    .execute();
  await db.schema
    .createTable('alert_pipeline_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('cursor', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('alert_pipeline_state').execute();
  await db.schema.dropTable('alert_group_members').execute();
  await db.schema.dropTable('alert_groups').execute();
}
