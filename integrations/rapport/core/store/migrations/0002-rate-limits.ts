import type { Kysely } from 'kysely';

/**
 * Rate-limit counters in the shape rate-limiter-flexible's stores use (key, points, expiry in
 * epoch milliseconds), so its limiter logic runs over the CRM store on both dialects. Also adds
 * what the forms need: when a subscription last had a confirmation mail.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_limits').execute();
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('expire', 'bigint')
    .execute();
  await db.schema.createIndex('rate_limits_expire').on('rate_limits').column('expire').execute();
  await db.schema.createIndex('list_subscriptions_pending').on('list_subscriptions').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('tokens_expires').on('tokens').column('expires_at').execute();
}
