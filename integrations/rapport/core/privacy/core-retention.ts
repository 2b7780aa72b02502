import { withPermit } from '../store/append-only.ts';
import type { RetentionRule } from './personal-data.ts';
import { fieldMessage } from '../../i18n/translate.ts';

/** How many people one run erases at most: a run stays short, the next one goes on. */
const ERASE_PER_RUN = 200;

/**
 * A contact nobody deals with any more: no account, no confirmed subscription, and nothing on
 * their record (an order, a message, a sign-up, a change) since the cutoff. Erased entirely, as a
 * request would; orders keep what their own period keeps.
 */
export const inactiveContacts: RetentionRule = {
  kind: 'contacts',
  categories: ['identity', 'contact', 'preferences'],
  from: fieldMessage('privacy.rule.contacts.from'),
  then: fieldMessage('privacy.rule.contacts.then'),
  async enforce(db, due) {
    const cutoff = due.cutoff.toISOString();
    const rows = await db
      .selectFrom('contacts as c')
      .select('c.id')
      .where('c.erased_at', 'is', null)
      .where('c.updated_at', '<', cutoff)
      .where('c.created_at', '<', cutoff)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('accounts')
              .select('contact_id')
              .whereRef('accounts.contact_id', '=', 'c.id')
              .unionAll(
                selectFrom('list_subscriptions').select('contact_id').whereRef('list_subscriptions.contact_id', '=', 'c.id').where('status', '=', 'confirmed'),
              )
              .unionAll(selectFrom('activities').select('contact_id').whereRef('activities.contact_id', '=', 'c.id').where('created_at', '>=', cutoff))
              .unionAll(selectFrom('orders').select('contact_id').whereRef('orders.contact_id', '=', 'c.id').where('created_at', '>=', cutoff))
              .unionAll(selectFrom('consent_ledger').select('contact_id').whereRef('consent_ledger.contact_id', '=', 'c.id').where('created_at', '>=', cutoff)),
          ),
        ),
      )
      .limit(ERASE_PER_RUN)
      .execute();
    for (const row of rows) await due.erase(row.id);
    return rows.length;
  },
};

/**
 * Consent records whose consent ended (withdrawn, or the person erased) before the cutoff: the
 * proof is no longer needed. The ledger is append-only; this is one of its two permitted changes.
 */
export const endedConsents: RetentionRule = {
  kind: 'consent',
  categories: ['consent'],
  from: fieldMessage('privacy.rule.consent.from'),
  then: fieldMessage('privacy.rule.deleted'),
  async enforce(db, due) {
    const cutoff = due.cutoff.toISOString();
    // The latest event per person and purpose decides whether that consent has ended.
    const latest = await db
      .selectFrom('consent_ledger as l')
      .innerJoin('contacts as c', 'c.id', 'l.contact_id')
      .select(['l.contact_id', 'l.purpose', 'l.action', 'l.created_at', 'c.erased_at'])
      .where((eb) =>
        eb(
          'l.created_at',
          '=',
          eb
            .selectFrom('consent_ledger as m')
            .select((m) => m.fn.max('m.created_at').as('latest'))
            .whereRef('m.contact_id', '=', 'l.contact_id')
            .whereRef('m.purpose', '=', 'l.purpose'),
        ),
      )
      .where((eb) => eb.or([eb.and([eb('l.action', '=', 'withdrawn'), eb('l.created_at', '<', cutoff)]), eb('c.erased_at', '<', cutoff)]))
      .limit(1000)
      .execute();
    if (latest.length === 0) return 0;
    return db.transaction().execute((trx) =>
      withPermit(trx, 'consent_ledger', async () => {
        let deleted = 0;
        for (const row of latest) {
          const result = await trx.deleteFrom('consent_ledger').where('contact_id', '=', row.contact_id).where('purpose', '=', row.purpose).executeTakeFirst();
          deleted += Number(result.numDeletedRows);
        }
        return deleted;
      }),
    );
  },
};

/** Copies of sent (or given-up) mail, and the shared bodies nothing refers to any more. */
export const sentMail: RetentionRule = {
  kind: 'sent-mail',
  categories: ['contact', 'technical'],
  from: fieldMessage('privacy.rule.sent-mail.from'),
  then: fieldMessage('privacy.rule.sent-mail.then'),
  async enforce(db, due) {
    const cutoff = due.cutoff.toISOString();
    const result = await db
      .deleteFrom('mail_outbox')
      .where('status', 'in', ['sent', 'failed'])
      .where((eb) => eb(eb.fn.coalesce('sent_at', 'created_at'), '<', cutoff))
      .executeTakeFirst();
    await db
      .deleteFrom('mail_templates')
      .where('created_at', '<', cutoff)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('mail_outbox')
              .select('template_id')
              .whereRef('mail_outbox.template_id', '=', 'mail_templates.id')
              .unionAll(selectFrom('campaigns').select('template_id').whereRef('campaigns.template_id', '=', 'mail_templates.id')),
          ),
        ),
      )
      .execute();
    return Number(result.numDeletedRows);
  },
};

/** Bounce and complaint reports; the suppression they led to stays (so we never write again). */
export const deliveryReports: RetentionRule = {
  kind: 'delivery-reports',
  categories: ['technical'],
  from: fieldMessage('privacy.rule.delivery-reports.from'),
  then: fieldMessage('privacy.rule.delivery-reports.then'),
  async enforce(db, due) {
    const result = await db.deleteFrom('mail_events').where('created_at', '<', due.cutoff.toISOString()).executeTakeFirst();
    return Number(result.numDeletedRows);
  },
};

export const CORE_RETENTION: RetentionRule[] = [inactiveContacts, endedConsents, sentMail, deliveryReports];
