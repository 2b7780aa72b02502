import type { Kysely } from 'kysely';

/**
 * Languages: the one each contact last used on a form (a BCP 47 tag such as `fr-CA`; their mail is
 * written in it), and the one of the wording each consent was given on (its hash is of the wording
 * in that language). Rows from before are null: the site's default locale was the only one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('contacts').addColumn('language', 'text').execute();
  // Adding a column changes no row: the append-only ledger's triggers refuse updates, not this.
  await db.schema.alterTable('consent_ledger').addColumn('language', 'text').execute();
}
