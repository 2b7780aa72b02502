import type { Kysely } from 'kysely';
import { systemClock, type Clock } from './contacts.ts';
import type { Database } from './schema.ts';

export interface PruneReport {
  tokens: number;
  pendingSignups: number;
  contacts: number;
  rateLimits: number;
}

/**
 * Deletes what nobody confirmed: expired tokens, sign-ups left pending longer than
 * `signupExpiryHours`, and contacts that exist only because of such a sign-up (nothing else
 * refers to them: no list, consent, account, activity, order, question, tag or staff note; a
 * reference it did not know of would fail the whole delete, so each table that points at a
 * contact is listed). Run by every server every few minutes; idempotent.
 */
export async function pruneExpired(db: Kysely<Database>, signupExpiryHours: number, clock: Clock = systemClock): Promise<PruneReport> {
  const now = clock();
  const cutoff = new Date(now.getTime() - signupExpiryHours * 3_600_000).toISOString();
  const tokens = await db.deleteFrom('tokens').where('expires_at', '<', now.toISOString()).executeTakeFirst();
  const pending = await db.deleteFrom('list_subscriptions').where('status', '=', 'pending').where('updated_at', '<', cutoff).executeTakeFirst();
  const contacts = await db
    .deleteFrom('contacts')
    .where('created_at', '<', cutoff)
    // Staff's notes make a contact someone's work: kept.
    .where('notes', 'is', null)
    // An erased contact's row stays for what the law keeps pointing at it (orders, the consent ledger, the erased address's hash).
    .where('erased_at', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('list_subscriptions')
            .select('contact_id')
            .whereRef('list_subscriptions.contact_id', '=', 'contacts.id')
            .unionAll(selectFrom('consent_ledger').select('contact_id').whereRef('consent_ledger.contact_id', '=', 'contacts.id'))
            .unionAll(selectFrom('accounts').select('contact_id').whereRef('accounts.contact_id', '=', 'contacts.id'))
            .unionAll(selectFrom('activities').select('contact_id').whereRef('activities.contact_id', '=', 'contacts.id'))
            .unionAll(selectFrom('orders').select('contact_id').whereRef('orders.contact_id', '=', 'contacts.id'))
            .unionAll(selectFrom('contact_tags').select('contact_id').whereRef('contact_tags.contact_id', '=', 'contacts.id'))
            .unionAll(selectFrom('privacy_requests').select('contact_id').whereRef('privacy_requests.contact_id', '=', 'contacts.id'))
            .unionAll(selectFrom('campaign_recipients').select('contact_id').whereRef('campaign_recipients.contact_id', '=', 'contacts.id'))
            .unionAll(
              selectFrom('faq_questions')
                .select((eb) => eb.ref('faq_questions.contact_id').$notNull().as('contact_id'))
                .whereRef('faq_questions.contact_id', '=', 'contacts.id'),
            )
            .unionAll(
              selectFrom('tokens')
                .select((eb) => eb.ref('tokens.contact_id').$notNull().as('contact_id'))
                .whereRef('tokens.contact_id', '=', 'contacts.id'),
            ),
        ),
      ),
    )
    .executeTakeFirst();
  const limits = await db.deleteFrom('rate_limits').where('expire', '<', now.getTime()).executeTakeFirst();
  return {
    tokens: Number(tokens.numDeletedRows),
    pendingSignups: Number(pending.numDeletedRows),
    contacts: Number(contacts.numDeletedRows),
    rateLimits: Number(limits.numDeletedRows),
  };
}
