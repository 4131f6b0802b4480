import type { Kysely } from 'kysely';

/**
 * Deployments (DEP-<number>) and their links to incidents. A deployment names its service by
 * catalog name; its team is the service's owner when read, like action items. The unique
 * (service, version, commit, started_at) makes recording the same deployment twice answer the
 * stored one. A link says who made it and whether by hand or by accepting a suggestion.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('deployments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'bigint', (c) => c.notNull().unique())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('commit_sha', 'text', (c) => c.notNull())
    .addColumn('commit_time', 'bigint')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint', (c) => c.notNull())
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('author', 'text')
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'bigint', (c) => c.notNull())
    .addColumn('pipeline_url', 'text')
    .addColumn('gate_decision_id', 'text')
    .addColumn('labels', 'text', (c) => c.notNull()) // JSON array
    .addUniqueConstraint('deployments_identity', ['service', 'version', 'commit_sha', 'started_at'])
    .execute();
  await db.schema
    .createIndex('deployments_service_started')
    .on('deployments')
    .columns(['service', 'started_at'])
    .execute();
  await db.schema.createIndex('deployments_started').on('deployments').columns(['started_at']).execute();

  await db.schema
    .createTable('deployment_incidents')
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('deployment_id', 'text', (c) => c.notNull().references('deployments.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull()) // manual | suggestion
    .addColumn('linked_by', 'text', (c) => c.notNull())
    .addColumn('linked_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('deployment_incidents_pk', ['incident_id', 'deployment_id'])
    .execute();
  await db.schema
    .createIndex('deployment_incidents_deployment')
    .on('deployment_incidents')
    .columns(['deployment_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('deployment_incidents').execute();
  await db.schema.dropTable('deployments').execute();
}
