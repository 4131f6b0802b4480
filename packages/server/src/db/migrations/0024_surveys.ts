import type { Kysely } from 'kysely';

/**
 * Surveys (issue 8, measuring satisfaction): surveys (SRV-<seq>) with NPS/CSAT questions about
 * platform capabilities; rounds (one sending each, numbered per survey); one invitation per person
 * and round, answered through a signed link or the UI; responses, one row per capability.
 * A response carries the respondent's team (for per-team results) but not the person: results
 * never show who answered. The invitation it came from is kept so that a second answer replaces
 * the first; nothing in the API joins the two.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('surveys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('questions', 'text', (c) => c.notNull()) // JSON: { nps, csat, comment }
    .addColumn('capabilities', 'text', (c) => c.notNull()) // JSON array
    .addColumn('audience', 'text', (c) => c.notNull()) // JSON: { kind: all } | { kind: teams, teams }
    .addColumn('schedule_weeks', 'integer')
    .addColumn('response_days', 'integer', (c) => c.notNull())
    .addColumn('next_round_at', 'bigint')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('surveys_next_round').on('surveys').columns(['next_round_at']).execute();

  await db.schema
    .createTable('survey_rounds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('survey_id', 'text', (c) => c.notNull().references('surveys.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('closes_at', 'bigint', (c) => c.notNull())
    .addColumn('started_by', 'text', (c) => c.notNull()) // a user name, or `schedule`
    .addColumn('invited', 'integer', (c) => c.notNull())
    .addColumn('mailed', 'integer', (c) => c.notNull())
    .addUniqueConstraint('survey_rounds_number', ['survey_id', 'number'])
    .execute();

  await db.schema
    .createTable('survey_invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('round_id', 'text', (c) => c.notNull().references('survey_rounds.id').onDelete('cascade'))
    .addColumn('survey_id', 'text', (c) => c.notNull())
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('team', 'text')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('answered_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('survey_invitations_person', ['round_id', 'user_name'])
    .execute();
  await db.schema
    .createIndex('survey_invitations_user')
    .on('survey_invitations')
    .columns(['user_name', 'expires_at'])
    .execute();

  await db.schema
    .createTable('survey_responses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('survey_id', 'text', (c) => c.notNull())
    .addColumn('round_id', 'text', (c) => c.notNull().references('survey_rounds.id').onDelete('cascade'))
    .addColumn('invitation_id', 'text', (c) =>
      c.notNull().references('survey_invitations.id').onDelete('cascade'),
    )
    .addColumn('capability', 'text', (c) => c.notNull())
    .addColumn('nps', 'integer')
    .addColumn('csat', 'integer')
    .addColumn('comment', 'text')
    .addColumn('team', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('survey_responses_once', ['invitation_id', 'capability'])
    .execute();
  await db.schema
    .createIndex('survey_responses_round')
    .on('survey_responses')
    .columns(['round_id', 'capability'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('survey_responses').execute();
  await db.schema.dropTable('survey_invitations').execute();
  await db.schema.dropTable('survey_rounds').execute();
  await db.schema.dropTable('surveys').execute();
}
