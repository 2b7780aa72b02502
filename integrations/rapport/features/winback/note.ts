import type { Kysely } from 'kysely';
import { businessTimeZone, formatDate } from '../../config/time-zone.ts';
import { composeMail, type MailContent } from '../../core/mail/compose.ts';
import { mailLink, mailTranslator } from '../../core/mail/mail-language.ts';
import { mailFooter, staffAddress } from '../../core/mail/identity.ts';
import { enqueueMail } from '../../core/mail/outbox.ts';
import type { Services } from '../../core/services.ts';
import type { Database } from '../../core/store/schema.ts';
import { recordActivity } from '../../core/store/timeline.ts';
import type { Translator } from '../../i18n/translate.ts';
import type { ActionResult, Staff } from '../../site/console/staff-page.ts';
import { listMailLinks } from '../newsletter/feature.ts';
import { consentFacts, WINBACK_LIST, winbackConsent, type WinbackConsent } from './consent.ts';
import { fillPlaceholders, formText, readTemplate, textProblem, type NoteTemplate } from './template.ts';

type NoteServices = Pick<Services, 'db' | 'config' | 'site' | 'clock' | 'secret'>;

export const notePath = (contactId: string) => `/admin/crm/winback/${encodeURIComponent(contactId)}`;
/** The form's key: a UUID drawn with the form, claimed when the note is sent. */
const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Everything the note page needs about one contact: who, their language, the template in it, whether they may be written to. */
export interface NoteTarget {
  contact: { id: string; email: string; name: string; language: string | null; erased_at: string | null };
  say: Translator;
  template: NoteTemplate;
  /** The day of their last counted order, in their language and the shop's time zone; '' without one. */
  lastOrderDate: string;
  consent: WinbackConsent;
  sent: Array<{ subject: string; sent_by: string; created_at: string }>;
}

/** The contact a note would go to, or undefined for an unknown id (a 404). */
export async function noteTarget(s: NoteServices, db: Kysely<Database>, id: string): Promise<NoteTarget | undefined> {
  // Ids are UUIDs; anything far from one (or with a NUL, which PostgreSQL cannot compare) is no contact.
  if (id.length > 100 || id.includes('\0')) return undefined;
  const contact = await db.selectFrom('contacts').select(['id', 'email', 'name', 'language', 'erased_at']).where('id', '=', id).executeTakeFirst();
  if (!contact) return undefined;
  const say = mailTranslator(s.config.site, contact);
  const zone = businessTimeZone(s.config.business);
  const facts = await consentFacts(db, s.secret, contact);
  const consent = winbackConsent(facts, s.clock(), s.config.crm.orders.followUp.impliedConsentMonths, (d) => formatDate(d, 'en-CA', zone));
  const sent = await db
    .selectFrom('winback_notes')
    .select(['subject', 'sent_by', 'created_at'])
    .where('contact_id', '=', id)
    .orderBy('created_at', 'desc')
    .limit(20)
    .execute();
  return {
    contact,
    say,
    template: await readTemplate(db, say),
    lastOrderDate: facts.lastPurchase ? formatDate(facts.lastPurchase, say.locale, zone) : '',
    consent,
    sent,
  };
}

/** The note as the customer gets it: the staff's words with the placeholders filled, the shop's footer and the one-click unsubscribe. */
export function noteMail(s: NoteServices, target: NoteTarget, subject: string, body: string, unsubscribeUrl: string): MailContent {
  const facts = { name: target.contact.name || target.contact.email, lastOrderDate: target.lastOrderDate, shop: s.config.site.name };
  return {
    to: target.contact.email,
    subject: fillPlaceholders(subject, facts),
    paragraphs: fillPlaceholders(body, facts)
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter(Boolean),
    footer: mailFooter(s.config, target.say('winback.mail.why')),
    unsubscribeUrl,
    replyTo: staffAddress(s.config),
    accent: s.config.site.accentColor,
  };
}

/** What the preview shows in place of the real unsubscribe link (made, single-use, only when the note is sent). */
export const previewUnsubscribe = (s: NoteServices, say: Translator) => mailLink(s, say, '/unsubscribe', { token: 'made-when-sent' });

/**
 * Sends one note (the page's `send` action, inside the console action's transaction): the form's
 * key is claimed first, so a second post of the same form finds it taken and sends nothing; the
 * consent rule is checked on what the store holds now; the note goes through the outbox in the
 * contact's language with its own unsubscribe link, and the timeline and the audit log record it.
 * A refusal returns `{ error }` and the transaction (the claim with it) is rolled back.
 */
export async function sendNote(trx: Kysely<Database>, s: NoteServices, staff: Staff, contactId: string, form: FormData): Promise<ActionResult> {
  const key = formText(form, 'key');
  if (!KEY.test(key)) return { error: 'This form has expired. Reload the page and send it again.' };
  const subject = formText(form, 'subject');
  const body = formText(form, 'body');
  const problem = textProblem(subject, body);
  if (problem) return { error: problem };
  const target = await noteTarget(s, trx, contactId);
  if (!target) return { error: 'This contact does not exist (any more).', status: 404 };
  const now = s.clock();
  // The subject as it was sent (placeholders filled) is what the record and the timeline keep.
  const sentSubject = noteMail(s, target, subject, body, '').subject;
  const claimed = await trx
    .insertInto('winback_notes')
    .values({
      id: key,
      contact_id: contactId,
      sent_by: staff.email,
      language: target.say.locale,
      subject: sentSubject,
      outbox_id: null,
      created_at: now.toISOString(),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!claimed) return { redirect: `${notePath(contactId)}?done=already`, audit: [] };
  if (!target.consent.ok) return { error: `Not sent: ${target.consent.detail}`, status: 409 };

  const links = await listMailLinks(trx, s, contactId, WINBACK_LIST, target.say);
  const content = noteMail(s, target, subject, body, links.unsubscribe);
  const outboxId = await enqueueMail(trx, composeMail(content, target.say), s.clock);
  await trx.updateTable('winback_notes').set({ outbox_id: outboxId }).where('id', '=', key).execute();
  await recordActivity(
    trx,
    {
      contactId,
      type: 'winback-note',
      summary: `Personal note sent by ${staff.name || staff.email}: ${content.subject}`,
      data: { by: staff.email, language: target.say.locale, basis: target.consent.basis },
    },
    now,
  );
  return {
    redirect: `${notePath(contactId)}?done=sent`,
    audit: {
      action: 'winback.note',
      subject: { type: 'contact', id: contactId },
      summary: `Sent a personal note to ${target.contact.email}: ${content.subject}`,
      data: { language: target.say.locale, basis: target.consent.basis },
    },
  };
}
