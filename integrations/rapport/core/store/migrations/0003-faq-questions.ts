import { sql, type Kysely } from 'kysely';

/**
 * Visitors' questions and their history. A question becomes a draft FAQ entry (`entry_slug`);
 * the build that publishes, rejects or merges that entry moves it on, and the asker is told once
 * (`notified_at`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('faq_questions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', (c) => c.references('contacts.id'))
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('details', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('received', 'pending_review', 'published', 'rejected', 'merged')`))
    .addColumn('entry_slug', 'text', (c) => c.unique())
    .addColumn('merged_into', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('notified_at', 'text')
    .execute();
  await db.schema.createIndex('faq_questions_contact').on('faq_questions').columns(['contact_id', 'created_at']).execute();
  await db.schema.createIndex('faq_questions_status').on('faq_questions').column('status').execute();
  await db.schema
    .createTable('faq_question_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('question_id', 'text', (c) => c.notNull().references('faq_questions.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('faq_question_events_question').on('faq_question_events').columns(['question_id', 'created_at']).execute();
}
