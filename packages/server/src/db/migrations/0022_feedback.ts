import type { Kysely } from 'kysely';

/**
 * Continuous discovery, hearing users (issue 8): feedback items (FB-<seq>) with votes, comments
 * and their status history, and interview notes (INT-<seq>) linked to feedback items or
 * opportunities. Lists are JSON arrays as text; times are epoch milliseconds. Users are named
 * by user name, as the rest of the codebase does (audit actor, created_by).
 * The OST and SURVEYS helpers read these tables and never write them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('feedback_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull()) // pain-point | request | question | praise
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull()) // Markdown
    .addColumn('services', 'text', (c) => c.notNull()) // JSON array of service names
    .addColumn('capability', 'text')
    .addColumn('team', 'text')
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull()) // JSON array
    .addColumn('board', 'text')
    .addColumn('page', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('duplicate_of', 'text')
    .addColumn('status_note', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .execute();
  await db.schema.createIndex('feedback_items_status').on('feedback_items').columns(['status']).execute();
  await db.schema.createIndex('feedback_items_board').on('feedback_items').columns(['board']).execute();
  await db.schema.createIndex('feedback_items_team').on('feedback_items').columns(['team']).execute();

  await db.schema
    .createTable('feedback_votes')
    .addColumn('item_id', 'text', (c) => c.notNull().references('feedback_items.id').onDelete('cascade'))
    .addColumn('voter', 'text', (c) => c.notNull())
    .addColumn('pain', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('feedback_votes_item_voter', ['item_id', 'voter'])
    .execute();

  await db.schema
    .createTable('feedback_comments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) => c.notNull().references('feedback_items.id').onDelete('cascade'))
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('feedback_comments_item')
    .on('feedback_comments')
    .columns(['item_id'])
    .execute();

  // Every status change with who made it and the note, for the item page's history.
  await db.schema
    .createTable('feedback_status_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) => c.notNull().references('feedback_items.id').onDelete('cascade'))
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    // "You said, we did": JSON {reached: [user], unreachable: [{user, reason}]} when people were told.
    .addColumn('notified', 'text')
    .execute();
  await db.schema
    .createIndex('feedback_status_changes_item')
    .on('feedback_status_changes')
    .columns(['item_id', 'at'])
    .execute();

  await db.schema
    .createTable('interviews')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull().unique())
    .addColumn('team', 'text', (c) => c.notNull())
    .addColumn('interviewer', 'text', (c) => c.notNull())
    .addColumn('participants', 'text', (c) => c.notNull()) // JSON array of names
    .addColumn('held_at', 'bigint', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull()) // Markdown
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('interviews_held').on('interviews').columns(['held_at']).execute();
  await db.schema.createIndex('interviews_team').on('interviews').columns(['team', 'held_at']).execute();

  await db.schema
    .createTable('interview_links')
    .addColumn('interview_id', 'text', (c) => c.notNull().references('interviews.id').onDelete('cascade'))
    .addColumn('target_kind', 'text', (c) => c.notNull()) // feedback | opportunity
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('interview_links_pk', ['interview_id', 'target_kind', 'target_id'])
    .execute();
  await db.schema
    .createIndex('interview_links_target')
    .on('interview_links')
    .columns(['target_kind', 'target_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('interview_links').execute();
  await db.schema.dropTable('interviews').execute();
  await db.schema.dropTable('feedback_status_changes').execute();
  await db.schema.dropTable('feedback_comments').execute();
  await db.schema.dropTable('feedback_votes').execute();
  await db.schema.dropTable('feedback_items').execute();
}
