import type { Kysely } from 'kysely';

/**
 * Continuous discovery, deciding what to do (issue 8): the opportunity-solution tree — outcomes,
 * opportunities (under an outcome, optionally under a parent opportunity), solutions with their
 * RICE inputs, assumption tests — and links from opportunities to feedback items and interviews.
 * Names are the ids (as for other config-as-code objects); references are by name, checked by
 * the service and by apply, so a tree can be applied in any order within one apply.
 * `document` is the YAML document as applied, null for objects made through the API.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('outcomes')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('metric', 'text', (c) => c.notNull()) // JSON: description, target, measure, services
    .addColumn('document', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('opportunities')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('parent', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('services', 'text', (c) => c.notNull()) // JSON array of service names
    .addColumn('document', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('opportunities_outcome').on('opportunities').columns(['outcome']).execute();
  await db.schema.createIndex('opportunities_parent').on('opportunities').columns(['parent']).execute();
  await db.schema
    .createTable('solutions')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('opportunity', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('status', 'text', (c) => c.notNull()) // idea | building | shipped | dropped
    .addColumn('scored', 'integer', (c) => c.notNull()) // 0/1: RICE inputs given
    .addColumn('reach', 'double precision') // null = from the evidence
    .addColumn('reach_override_reason', 'text')
    .addColumn('impact', 'double precision')
    .addColumn('confidence', 'integer')
    .addColumn('effort', 'double precision')
    .addColumn('document', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('solutions_opportunity').on('solutions').columns(['opportunity']).execute();
  await db.schema
    .createTable('assumption_tests')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('solution', 'text', (c) => c.notNull())
    .addColumn('assumption', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('method', 'text')
    .addColumn('success_criterion', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('document', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('assumption_tests_solution')
    .on('assumption_tests')
    .columns(['solution'])
    .execute();
  await db.schema
    .createTable('opportunity_links')
    .addColumn('opportunity', 'text', (c) => c.notNull())
    .addColumn('target_kind', 'text', (c) => c.notNull()) // feedback | interview
    .addColumn('target_id', 'text', (c) => c.notNull()) // FB-<n> | INT-<n>
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('opportunity_links_pk', ['opportunity', 'target_kind', 'target_id'])
    .execute();
  await db.schema
    .createIndex('opportunity_links_target')
    .on('opportunity_links')
    .columns(['target_kind', 'target_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('opportunity_links').execute();
  await db.schema.dropTable('assumption_tests').execute();
  await db.schema.dropTable('solutions').execute();
  await db.schema.dropTable('opportunities').execute();
  await db.schema.dropTable('outcomes').execute();
}
