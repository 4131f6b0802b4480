import { type Kysely, SqliteAdapter, sql } from 'kysely';

/**
 * Hour roll-ups of the SLI buckets: (good, total) per stream per epoch hour, kept equal to the
 * sum of the hour's minute buckets by every write. Building an SLO's series after a restart then
 * reads about 900 hour rows and the few hours where window edges fall at minute resolution,
 * instead of 43,200 minute rows for a 30-day window.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  await db.schema
    .createTable('sli_hours')
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('hour', 'bigint', (c) => c.notNull()) // floor(epoch minute / 60)
    .addColumn('good', 'double precision', (c) => c.notNull())
    .addColumn('total', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('sli_hours_pk', ['stream', 'hour'])
    .$call((t) => (sqlite ? t.modifyEnd(sql`without rowid`) : t))
    .execute();
  // Existing data: integer division on both databases (minute is an integer column).
  await sql`insert into sli_hours (stream, hour, good, total)
    select stream, minute / 60, sum(good), sum(total) from sli_buckets group by stream, minute / 60`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sli_hours').execute();
}
