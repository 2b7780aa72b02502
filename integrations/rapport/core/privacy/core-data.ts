import { createHmac } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { withPermit } from '../store/append-only.ts';
import { likeEscaped, likeLiteral } from '../store/like.ts';
import type { Database } from '../store/schema.ts';
import { fieldMessage } from '../../i18n/translate.ts';
import { CORE_RETENTION } from './core-retention.ts';
import type { PersonalData } from './personal-data.ts';

/** The keyed hash an erased address is remembered by: HMAC-SHA256 under the site's secret, so it cannot be reversed or tested without the secret. */
export const erasedAddressHash = (secret: string, email: string) => createHmac('sha256', secret).update(email.trim().toLowerCase()).digest('hex');

/** Whether an address was erased at its owner's request (imports refuse it; lists never write to it). */
export async function wasErased(db: Kysely<Database>, secret: string, email: string): Promise<boolean> {
  return (await db.selectFrom('erased_addresses').select('hash').where('hash', '=', erasedAddressHash(secret, email)).executeTakeFirst()) !== undefined;
}

/** The placeholder an erased contact's address becomes: unique, never deliverable (`.invalid` is reserved, RFC 2606). */
export const erasedPlaceholder = (contactId: string) => `erased-${contactId}@erased.invalid`;

const REDACTED = '[erased]';

/** Replaces every occurrence of the person's address and name in the audit log's summaries and details. */
async function redactAudit(trx: Kysely<Database>, contactId: string, needles: string[]): Promise<void> {
  await withPermit(trx, 'audit_log', async () => {
    // Entries about the contact itself: their details (old and new values of a correction) go.
    await trx.updateTable('audit_log').set({ data: null }).where('subject_type', '=', 'contact').where('subject_id', '=', contactId).execute();
    for (const needle of needles) {
      // Also as it appears inside JSON (quotes and backslashes escaped).
      for (const form of new Set([needle, JSON.stringify(needle).slice(1, -1)])) {
        const rows = await trx
          .selectFrom('audit_log')
          .select(['id', 'summary', 'data'])
          .where((eb) => eb.or([likeEscaped(eb.ref('summary'), `%${likeLiteral(form)}%`), likeEscaped(eb.ref('data'), `%${likeLiteral(form)}%`)]))
          .execute();
        for (const row of rows) {
          await trx
            .updateTable('audit_log')
            .set({ summary: row.summary.split(form).join(REDACTED), data: row.data === null ? null : row.data.split(form).join(REDACTED) })
            .where('id', '=', row.id)
            .execute();
        }
      }
    }
  });
}

/**
 * The CRM store's own records about a person: the contact, their timeline, consent ledger,
 * links, mail, delivery reports, rate-limit counters, requests and staff actions about them.
 */
export const coreData = (): PersonalData => ({
  tables: [
    'contacts',
    'activities',
    'consent_ledger',
    'tokens',
    'mail_outbox',
    'mail_events',
    'mail_suppressions',
    'rate_limits',
    'audit_log',
    'erased_addresses',
    'privacy_requests',
  ],
  async export(db, person) {
    const id = person.contactId;
    return {
      contacts: await db.selectFrom('contacts').selectAll().where('id', '=', id).execute(),
      activities: await db.selectFrom('activities').selectAll().where('contact_id', '=', id).orderBy('created_at').execute(),
      consent_ledger: await db.selectFrom('consent_ledger').selectAll().where('contact_id', '=', id).orderBy('created_at').execute(),
      // Links mailed to them: what for and until when (the hashes open nothing and are left out).
      tokens: await db
        .selectFrom('tokens')
        .select(['purpose', 'created_at', 'expires_at', 'used_at'])
        .where('contact_id', '=', id)
        .orderBy('created_at')
        .execute(),
      mail_outbox: await db
        .selectFrom('mail_outbox as m')
        .leftJoin('mail_templates as t', 't.id', 'm.template_id')
        .select([
          'm.id',
          'm.to_address',
          // A campaign's message is merged from its template: the subject and text are the template's.
          sql<string>`coalesce(nullif(m.subject, ''), t.subject)`.as('subject'),
          sql<string>`coalesce(nullif(m.text_body, ''), t.text_body)`.as('text_body'),
          'm.status',
          'm.created_at',
          'm.sent_at',
        ])
        .where('m.to_address', '=', person.email)
        .orderBy('m.created_at')
        .execute(),
      mail_events: await db.selectFrom('mail_events').selectAll().where('email', '=', person.email).orderBy('created_at').execute(),
      mail_suppressions: await db.selectFrom('mail_suppressions').selectAll().where('email', '=', person.email).execute(),
      rate_limits: await db
        .selectFrom('rate_limits')
        .selectAll()
        .where((eb) => likeEscaped(eb.ref('key'), `%:${likeLiteral(person.email)}`))
        .execute(),
      audit_log: await db
        .selectFrom('audit_log')
        .select(['created_at', 'action', 'summary'])
        .where('subject_type', '=', 'contact')
        .where('subject_id', '=', id)
        .orderBy('created_at')
        .execute(),
      privacy_requests: await db.selectFrom('privacy_requests').selectAll().where('contact_id', '=', id).orderBy('created_at').execute(),
      erased_addresses: [],
    };
  },
  async erase(trx, person, at) {
    const id = person.contactId;
    await trx.deleteFrom('activities').where('contact_id', '=', id).execute();
    await trx.deleteFrom('tokens').where('contact_id', '=', id).execute();
    await trx
      .deleteFrom('tokens')
      .where((eb) => likeEscaped(eb.ref('payload'), `%${likeLiteral(person.email)}%`))
      .execute();
    await trx.deleteFrom('mail_outbox').where('to_address', '=', person.email).execute();
    // Staff's copies of their messages, orders and questions name them in the text and the Reply-To.
    const mentions = `%${likeLiteral(person.email)}%`;
    await trx
      .deleteFrom('mail_outbox')
      .where((eb) => eb.or((['subject', 'text_body', 'html_body', 'headers', 'vars'] as const).map((c) => likeEscaped(eb.fn('lower', [c]), mentions))))
      .execute();
    await trx.deleteFrom('mail_events').where('email', '=', person.email).execute();
    await trx.deleteFrom('mail_suppressions').where('email', '=', person.email).execute();
    await trx
      .deleteFrom('rate_limits')
      .where((eb) => likeEscaped(eb.ref('key'), `%:${likeLiteral(person.email)}`))
      .execute();
    const needles = [
      person.email,
      ...(person.name.trim().length >= 2 ? [person.name.trim()] : []),
      ...(person.organisation && person.organisation.trim().length >= 2 ? [person.organisation.trim()] : []),
    ];
    await redactAudit(trx, id, needles);
    // The consent ledger stays as it is: its rows name a contact id, never a name or an address, so
    // with the contact row emptied below they prove what was consented to (and by whom, for someone
    // who holds the address: its keyed hash in `erased_addresses` leads to the id) without naming anyone.
    await trx
      .updateTable('contacts')
      .set({
        email: erasedPlaceholder(id),
        name: '',
        organisation: null,
        notes: null,
        email_confirmed_at: null,
        language: null,
        erased_at: at.toISOString(),
        updated_at: at.toISOString(),
      })
      .where('id', '=', id)
      .execute();
  },
  keeps: [
    {
      what: fieldMessage('privacy.keeps.consents.what'),
      why: fieldMessage('privacy.keeps.consents.why'),
    },
    {
      what: fieldMessage('privacy.keeps.address-hash.what'),
      why: fieldMessage('privacy.keeps.address-hash.why'),
    },
    {
      what: fieldMessage('privacy.keeps.request.what'),
      why: fieldMessage('privacy.keeps.request.why'),
    },
  ],
  retention: CORE_RETENTION,
});
