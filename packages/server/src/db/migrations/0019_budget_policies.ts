import type { Kysely } from 'kysely';

/**
 * Error budget policies (`headroom.dev/v1` ErrorBudgetPolicy, written by apply), exemptions from
 * their release freeze (through the API, audited), and every release-gate decision. Services and
 * SLOs are referred to by name, not by foreign key: a decision outlives the service it was for.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('error_budget_policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('owner_ref', 'text')
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('budget_exemptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_ref', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('approver', 'text', (c) => c.notNull())
    .addColumn('slos', 'text') // JSON array; null = every SLO of the service
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('budget_exemptions_service')
    .on('budget_exemptions')
    .columns(['service_ref', 'expires_at'])
    .execute();
  await db.schema
    .createTable('gate_decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('service_ref', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('reasons', 'text', (c) => c.notNull()) // JSON
    .addColumn('slos', 'text', (c) => c.notNull()) // JSON
    .addColumn('change', 'text', (c) => c.notNull()) // JSON: commit, author, labels, version, pipelineUrl
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('gate_decisions_service')
    .on('gate_decisions')
    .columns(['service_ref', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('gate_decisions').execute();
  await db.schema.dropTable('budget_exemptions').execute();
  await db.schema.dropTable('error_budget_policies').execute();
}
