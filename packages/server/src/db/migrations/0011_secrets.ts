import type { Kysely } from 'kysely';

/**
 * Headroom's own secrets, by name: which key sealed the DataSource credentials of this database
 * (`datasource-key-id`), and, when no HEADROOM_SECRET_KEY is set and there is no database file
 * to keep a key file beside (PostgreSQL, in-memory SQLite), that key itself (`datasource-key`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('secrets').execute();
}
