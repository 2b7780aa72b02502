import type { Kysely } from 'kysely';

/**
 * Reminders a customer sets (features/care-reminders): one row per person, page and care date,
 * with the province or state that moved the date. Pending until the mailed link is used (signed-in
 * customers: active at once); `due_at` is the next moment it is sent, moved a year on by the one
 * server that claims it; `ended_at` when its product or answer left the site.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('care_reminders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('what', 'text', (c) => c.notNull())
    .addColumn('care_month', 'integer', (c) => c.notNull())
    .addColumn('care_day', 'integer', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('language', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('confirmed_at', 'text')
    .addColumn('due_at', 'text')
    .addColumn('due_day', 'text')
    .addColumn('last_sent_at', 'text')
    .addColumn('ended_at', 'text')
    .addUniqueConstraint('care_reminders_once', ['contact_id', 'subject', 'care_month', 'care_day'])
    .execute();
  await db.schema.createIndex('care_reminders_due').on('care_reminders').columns(['status', 'due_at']).execute();
}
