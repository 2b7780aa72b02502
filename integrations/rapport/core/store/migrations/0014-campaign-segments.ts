import type { Kysely } from 'kysely';

/**
 * A campaign may go to the subscribers of its lists who are also in one customer segment (the
 * good customers who stopped buying, the best customers…): the segment's id, or null for the
 * whole lists. Who is in it is worked out when the campaign starts, as the recipients are taken.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('campaigns').addColumn('segment', 'text').execute();
}
