import type { Kysely } from 'kysely';
import type { Database } from '../../core/store/schema.ts';

/** How many entries a contact's page shows, and how many with "show more". */
export const TIMELINE_SHORT = 100;
export const TIMELINE_LONG = 500;

/** One line of a contact's timeline, whichever table it came from. */
export interface TimelineEntry {
  /** ISO time; entries sort on it. */
  at: string;
  /** What kind of event, as a short badge. */
  label: string;
  text: string;
  /** A second line: who, where from, why it failed. */
  detail?: string | undefined;
  /** A page about it (an order). */
  href?: string | undefined;
  /** Something that went wrong (a failed mail). */
  attention?: boolean;
  /** A consent event: the proof, as recorded. */
  consent?: { formId: string; wordingHash: string; policyVersion: string; source: string };
}

const ACTIVITY_LABELS: Record<string, string> = {
  order: 'Order',
  enquiry: 'Message',
  question: 'Question',
  subscribed: 'Signed up',
  unsubscribed: 'Unsubscribed',
  'lists-changed': 'Lists',
  registered: 'Account',
  'follow-up': 'After-sale mail',
  'follow-up-skipped': 'After-sale mail',
  'winback-note': 'Personal note',
  reorder: 'Reorder reminder',
  'reorder-skipped': 'Reorder reminder',
};

/** The order number an activity is about, if its details name one. */
function orderNumber(data: string | null): string | undefined {
  if (!data) return undefined;
  try {
    const parsed = JSON.parse(data) as { number?: unknown };
    return typeof parsed.number === 'string' ? parsed.number : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Everything known to have happened with a contact, newest first: the activities the site
 * recorded, the consent ledger, mail to their address, their sign-ins and what staff did to the
 * record. Each source reads at most `limit + 1` rows by an index on the contact (or its address
 * or account), so a long history costs no more than a short one; `more` says some were left out.
 */
export async function readTimeline(
  db: Kysely<Database>,
  contact: { id: string; email: string },
  accountId: string | undefined,
  limit: number,
): Promise<{ entries: TimelineEntry[]; more: boolean }> {
  const take = limit + 1;
  const [activities, consents, mail, sessions, audit] = await Promise.all([
    db
      .selectFrom('activities')
      .select(['type', 'summary', 'data', 'created_at'])
      .where('contact_id', '=', contact.id)
      .orderBy('created_at', 'desc')
      .limit(take)
      .execute(),
    db
      .selectFrom('consent_ledger')
      .select(['purpose', 'action', 'form_id', 'wording_hash', 'policy_version', 'source', 'created_at'])
      .where('contact_id', '=', contact.id)
      .orderBy('created_at', 'desc')
      .limit(take)
      .execute(),
    db
      .selectFrom('mail_outbox')
      .select(['subject', 'status', 'attempts', 'last_error', 'created_at', 'sent_at'])
      .where('to_address', '=', contact.email)
      .orderBy('created_at', 'desc')
      .limit(take)
      .execute(),
    accountId
      ? db.selectFrom('sessions').select('created_at').where('account_id', '=', accountId).orderBy('created_at', 'desc').limit(take).execute()
      : Promise.resolve([]),
    db
      .selectFrom('audit_log')
      .select(['actor', 'action', 'summary', 'created_at'])
      .where((eb) =>
        eb.or([
          eb.and([eb('subject_type', '=', 'contact'), eb('subject_id', '=', contact.id)]),
          ...(accountId ? [eb.and([eb('subject_type', '=', 'account'), eb('subject_id', '=', accountId)])] : []),
        ]),
      )
      .orderBy('created_at', 'desc')
      .limit(take)
      .execute(),
  ]);

  const entries: TimelineEntry[] = [
    ...activities.map((a): TimelineEntry => {
      const number = orderNumber(a.data);
      return {
        at: a.created_at,
        label: ACTIVITY_LABELS[a.type] ?? a.type,
        text: a.summary,
        href: number ? `/admin/crm/orders/${encodeURIComponent(number)}` : undefined,
      };
    }),
    ...consents.map((c): TimelineEntry => ({
      at: c.created_at,
      label: c.action === 'granted' ? 'Consent given' : 'Consent withdrawn',
      text: c.purpose,
      consent: { formId: c.form_id, wordingHash: c.wording_hash, policyVersion: c.policy_version, source: c.source },
    })),
    ...mail.map((m): TimelineEntry => {
      if (m.status === 'sent') return { at: m.sent_at ?? m.created_at, label: 'Mail sent', text: m.subject };
      if (m.status === 'failed')
        return {
          at: m.created_at,
          label: 'Mail failed',
          text: m.subject,
          detail: `Not delivered after ${m.attempts} ${m.attempts === 1 ? 'try' : 'tries'}: ${m.last_error ?? 'no reason given'}`,
          attention: true,
        };
      return { at: m.created_at, label: 'Mail waiting', text: m.subject, detail: m.last_error ? `Will try again: ${m.last_error}` : 'Not sent yet' };
    }),
    ...sessions.map((s): TimelineEntry => ({ at: s.created_at, label: 'Signed in', text: 'Signed in to their account' })),
    ...audit.map((e): TimelineEntry => ({ at: e.created_at, label: 'Staff', text: e.summary, detail: `${e.actor} (${e.action})` })),
  ];
  entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return { entries: entries.slice(0, limit), more: entries.length > limit };
}
