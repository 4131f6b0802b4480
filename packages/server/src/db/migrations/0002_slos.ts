import type { Kysely } from 'kysely';

/**
 * SLO definitions and the other OpenSLO v1 objects (SLI, DataSource, AlertPolicy,
 * AlertCondition, AlertNotificationTarget, Service), each as normalized JSON and as the document
 * was written (for export), plus who references whom. Types limited to what SQLite and
 * PostgreSQL share.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('slos')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text')
    // spec.service as written, and the catalog service it names (`component:ns/name`); the
    // owner is resolved through services at read time, so a service created later counts.
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('service_ref', 'text')
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('slos_service_ref').on('slos').column('service_ref').execute();

  await db.schema
    .createTable('openslo_objects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('openslo_objects_kind_name', ['kind', 'name'])
    .execute();

  // Refs as in apply (`slo:default/x` → `sli:default/y`); targets may not exist (yet).
  await db.schema
    .createTable('openslo_references')
    .addColumn('source_ref', 'text', (c) => c.notNull())
    .addColumn('target_ref', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('openslo_references_pk', ['source_ref', 'target_ref'])
    .execute();
  await db.schema
    .createIndex('openslo_references_target')
    .on('openslo_references')
    .column('target_ref')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['openslo_references', 'openslo_objects', 'slos']) {
    await db.schema.dropTable(table).execute();
  }
}
