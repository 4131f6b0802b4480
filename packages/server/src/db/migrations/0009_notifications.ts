import type { Kysely } from 'kysely';

/**
 * Notification channels (`headroom.dev/v1` NotificationChannel, written by apply) and the
 * notification outbox: one row per notification to deliver, claimed by a dispatcher with a lease,
 * and one row per delivery attempt.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notification_channels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('owner_ref', 'text')
    .addColumn('definition', 'text', (c) => c.notNull()) // JSON: the channel without its secrets
    .addColumn('secrets', 'text', (c) => c.notNull()) // JSON of the secret fields, sealed when a key is set
    .addColumn('document', 'text', (c) => c.notNull()) // JSON: the document as written, secrets redacted
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey()) // UUIDv7, the Idempotency-Key receivers see
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull()) // JSON: core's NotificationMessage
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull()) // pending | sending | delivered | dead
    .addColumn('attempts', 'integer', (c) => c.notNull())
    // Attempts made before the last retry by hand: the attempt limit counts from there.
    .addColumn('retry_base', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('lease_until', 'bigint')
    .addColumn('lease_owner', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('delivered_at', 'bigint')
    .execute();
  // The dispatcher's claim reads due rows by status and time.
  await db.schema
    .createIndex('notifications_due')
    .on('notifications')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('notifications_channel')
    .on('notifications')
    .columns(['channel', 'id'])
    .execute();

  await db.schema
    .createTable('notification_attempts')
    .addColumn('notification_id', 'text', (c) =>
      c.notNull().references('notifications.id').onDelete('cascade'),
    )
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('outcome', 'text', (c) => c.notNull()) // sending | delivered | retry | failed | abandoned
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('notification_attempts_pk', ['notification_id', 'attempt'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notification_attempts').execute();
  await db.schema.dropTable('notifications').execute();
  await db.schema.dropTable('notification_channels').execute();
}
