import type { Kysely } from 'kysely';
import { appendConsent, upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import type { Database } from '../../integrations/rapport/core/store/schema.ts';

/** A message the outbox has sent, under a known id (the one a bounce report quotes in its Message-ID). */
export async function sentMail(db: Kysely<Database>, id: string, to: string): Promise<void> {
  const at = '2026-08-01T09:00:00.000Z';
  await db
    .insertInto('mail_outbox')
    .values({
      id,
      to_address: to,
      subject: 'Your August issue',
      text_body: 'Hello',
      html_body: null,
      headers: null,
      status: 'sent',
      next_attempt_at: at,
      last_error: null,
      created_at: at,
      sent_at: at,
    })
    .execute();
}

/** A contact on lists as the sign-up leaves them: confirmed lists with their consent in the ledger, pending ones without. */
export async function subscriber(db: Kysely<Database>, email: string, lists: { confirmed?: string[]; pending?: string[] }): Promise<string> {
  const contact = await upsertContact(db, { email, name: 'Reader' });
  const at = '2026-07-01T09:00:00.000Z';
  for (const [status, names] of [
    ['confirmed', lists.confirmed ?? []],
    ['pending', lists.pending ?? []],
  ] as const) {
    for (const list of names) {
      await db
        .insertInto('list_subscriptions')
        .values({ contact_id: contact.id, list, status, created_at: at, confirmed_at: status === 'confirmed' ? at : null, updated_at: at })
        .execute();
      if (status === 'confirmed')
        await appendConsent(db, {
          contact_id: contact.id,
          purpose: `newsletter:${list}`,
          action: 'granted',
          form_id: 'subscribe',
          wording_hash: 'hash',
          policy_version: 'v1',
          source: 'web:/subscribe',
        });
    }
  }
  return contact.id;
}

/** What the store holds about an address's delivery: events, suppression, lists and ledger. */
export async function deliveryState(db: Kysely<Database>, email: string) {
  const contact = await db.selectFrom('contacts').select('id').where('email', '=', email).executeTakeFirst();
  return {
    events: await db
      .selectFrom('mail_events')
      .select(['kind', 'source', 'outbox_id', 'detail'])
      .where('email', '=', email)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    suppression: (await db.selectFrom('mail_suppressions').select('reason').where('email', '=', email).executeTakeFirst())?.reason,
    lists: contact ? await db.selectFrom('list_subscriptions').select(['list', 'status']).where('contact_id', '=', contact.id).orderBy('list').execute() : [],
    withdrawn: contact
      ? await db
          .selectFrom('consent_ledger')
          .select(['purpose', 'source', 'form_id'])
          .where('contact_id', '=', contact.id)
          .where('action', '=', 'withdrawn')
          .orderBy('purpose')
          .execute()
      : [],
  };
}
