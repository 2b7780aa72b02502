import type { Kysely } from 'kysely';

/**
 * Visit counts (features/visits): per-day totals of page views, by page path, referring site's
 * domain and kind of device. Totals only: no row stands for a visit or a visitor, and no address,
 * cookie or other identifier is stored. Servers add to a row (`views + n`), never replace it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('visit_counts')
    // The UTC day, `2026-11-30`.
    .addColumn('day', 'text', (c) => c.notNull())
    // 'page' (a path), 'referrer' (a domain), 'device' (phone, tablet, computer), 'missing' (a 404: path and referring
    // domain) or 'search-miss' (a search that found nothing: its words, tidied).
    .addColumn('dimension', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('views', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('visit_counts_pk', ['day', 'dimension', 'value'])
    .execute();
}
