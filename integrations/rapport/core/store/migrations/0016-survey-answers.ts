import type { Kysely } from 'kysely';

/**
 * Survey answers (features/surveys). A response is one person's answers to one survey, kept
 * without their name, address, account or network address, and timed to the hour only. An
 * after-sale e-mail's link answers once: its digest goes in `survey_links_used`, which holds
 * nothing else (no response, no time), so no answer can be traced back to its link.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('survey_responses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('survey', 'text', (c) => c.notNull())
    // 'page' (answered on the site) or 'order' (from the after-sale e-mail's link).
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    // The hour it was sent (`2026-12-01T15:00:00.000Z`): finer times could be matched with other records.
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('survey_responses_by_survey').on('survey_responses').columns(['survey', 'created_at']).execute();
  await db.schema
    .createTable('survey_answers')
    .addColumn('response_id', 'text', (c) => c.notNull())
    .addColumn('survey', 'text', (c) => c.notNull())
    // The question's position in the survey, from 1.
    .addColumn('question', 'integer', (c) => c.notNull())
    // A choice's position (from 1), a scale's point, or the words written (text, escaped wherever shown).
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('survey_answers_pk', ['response_id', 'question'])
    .execute();
  await db.schema.createIndex('survey_answers_by_question').on('survey_answers').columns(['survey', 'question']).execute();
  await db.schema
    .createTable('survey_links_used')
    .addColumn('survey', 'text', (c) => c.notNull())
    // SHA-256 of the survey and the order's id.
    .addColumn('link', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('survey_links_used_pk', ['survey', 'link'])
    .execute();
}
