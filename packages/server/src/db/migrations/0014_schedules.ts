import type { Kysely } from 'kysely';

/**
 * On-call schedules (`headroom.dev/v1` Schedule, written by apply), their overrides (from the API;
 * removed with their schedule) and secret iCalendar feeds (per schedule or per user; only a
 * SHA-256 of the token is kept; a revoked or rotated feed keeps its row with revoked_at set).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('schedules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('owner_ref', 'text')
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('schedule_overrides')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('schedule_id', 'text', (c) => c.notNull().references('schedules.id').onDelete('cascade'))
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('schedule_overrides_schedule_ends')
    .on('schedule_overrides')
    .columns(['schedule_id', 'ends_at'])
    .execute();

  await db.schema
    .createTable('ical_feeds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull()) // 'schedule' | 'user'
    .addColumn('target_id', 'text', (c) => c.notNull()) // schedules.id or users.id
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('ical_feeds_target').on('ical_feeds').columns(['kind', 'target_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ical_feeds').execute();
  await db.schema.dropTable('schedule_overrides').execute();
  await db.schema.dropTable('schedules').execute();
}
