import { sql, type Kysely } from 'kysely';

/**
 * When an address was shown to be its owner's (a link mailed to it was used). Mail to an address
 * that has confirmed nothing is budgeted and never quotes what a visitor typed (see
 * `core/mail/unsolicited.ts`). Existing contacts with a confirmed subscription count as confirmed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('contacts').addColumn('email_confirmed_at', 'text').execute();
  await sql`
    update contacts set email_confirmed_at = (
      select min(confirmed_at) from list_subscriptions
      where list_subscriptions.contact_id = contacts.id and list_subscriptions.confirmed_at is not null
    )`.execute(db);
  await sql`
    update contacts set email_confirmed_at = (select min(used_at) from tokens where tokens.contact_id = contacts.id and tokens.used_at is not null)
    where email_confirmed_at is null`.execute(db);
}
