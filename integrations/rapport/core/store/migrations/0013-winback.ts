import type { Kysely } from 'kysely';

/**
 * Win-back notes (staff's personal note to a customer who stopped buying): the template staff
 * edit, one per language, and one row per note sent. A note's row is keyed by the hidden key of
 * the form that sent it, so a double-click or a repeated post sends one note.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('winback_templates')
    // A BCP 47 tag (`en-CA`, `fr-CA`): one template per language of the site.
    .addColumn('language', 'text', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('winback_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
    .addColumn('sent_by', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('outbox_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('winback_notes_contact').on('winback_notes').columns(['contact_id', 'created_at']).execute();
}
