import type { Kysely } from 'kysely';

/**
 * Escalation policies (`headroom.dev/v1` EscalationPolicy, written by apply): whom to page, in
 * steps. The definition is core's normalized EscalationPolicy as JSON; targets are names, not
 * foreign keys, so a pruned schedule or user leaves the policy readable (apply warns).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('escalation_policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('owner_ref', 'text')
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('escalation_policies').execute();
}
