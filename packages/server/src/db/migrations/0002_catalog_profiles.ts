import type { Kysely } from 'kysely';

/**
 * Backstage Groups and Users carry tags, links and a profile picture; teams and users had no
 * place for them, so an import would have dropped them. Additive, with defaults.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('teams')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.alterTable('teams').addColumn('picture', 'text').execute();
  await db.schema
    .alterTable('users')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('links', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.alterTable('users').addColumn('picture', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['tags', 'picture']) await db.schema.alterTable('teams').dropColumn(column).execute();
  for (const column of ['tags', 'links', 'picture'])
    await db.schema.alterTable('users').dropColumn(column).execute();
}
