import type { Kysely } from 'kysely';

/**
 * Wish lists (a signed-in customer's products, one row per product) and back-in-stock requests
 * (someone waiting for a sold-out or pre-order product: pending until the mailed link is used,
 * confirmed after, `notified_at` set by the one server that sends the notice).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('wish_list_items')
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('wish_list_items_pk', ['contact_id', 'sku'])
    .execute();
  await db.schema
    .createTable('stock_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('language', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('confirmed_at', 'text')
    .addColumn('notified_at', 'text')
    .addUniqueConstraint('stock_requests_contact_sku', ['contact_id', 'sku'])
    .execute();
  await db.schema.createIndex('stock_requests_waiting').on('stock_requests').columns(['sku', 'status', 'notified_at']).execute();
}
