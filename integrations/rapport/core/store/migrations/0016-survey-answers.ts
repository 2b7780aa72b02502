import type { Kysely } from 'kysely';

/**
 * Survey answers (features/surveys). A response is one person's answers to one survey, kept
 * without their name, address or account. `respondent` is set only for an answer sent from the
 * link in an after-sale e-mail: a digest of the survey and the order, so that link answers once
 * (the unique index; an answer from a page has none, and several NULLs never clash).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('survey_responses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('survey', 'text', (c) => c.notNull())
    // 'page' (answered on the site) or 'order' (from the after-sale e-mail's link).
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('respondent', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('survey_responses_once').on('survey_responses').columns(['survey', 'respondent']).unique().execute();
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
}
