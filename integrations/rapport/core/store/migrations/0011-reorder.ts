import type { Kysely } from 'kysely';

/**
 * Reorder reminders: one row per contact and season (`fall-bulbs:2026`, or `yearly:<order id>`
 * for products whose category has no ordering window), inserted by the one server that sends that
 * season's reminder before it writes the mail: the primary key is the claim, so a second server or
 * a restart finds the row and sends nothing. `status` says whether the mail went (`sent`) or why
 * not (`skipped`: no consent, opted out, erased), so a skipped season is not looked at again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('reorder_reminders')
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
    .addColumn('season', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    /** JSON: the SKUs suggested. */
    .addColumn('skus', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('reorder_reminders_pk', ['contact_id', 'season'])
    .execute();
  await db.schema.createIndex('reorder_reminders_created').on('reorder_reminders').column('created_at').execute();
}
