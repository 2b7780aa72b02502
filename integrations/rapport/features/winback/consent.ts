import type { Kysely } from 'kysely';
import { wasErased } from '../../core/privacy/core-data.ts';
import { lastConsent } from '../../core/store/contacts.ts';
import type { Database } from '../../core/store/schema.ts';

/** The mailing-list id of win-back notes: their one-click unsubscribe withdraws `newsletter:win-back`. */
export const WINBACK_LIST = 'win-back';
export const WINBACK_PURPOSE = `newsletter:${WINBACK_LIST}`;

/**
 * When implied consent from a purchase ends: `months` calendar months after it, in UTC. A day the
 * month does not have becomes its last day (31 August + 6 months is 28 February, not 3 March),
 * so the window is never longer than the law's months. Year ends roll over (December + 2 is February).
 */
export function impliedConsentEnds(purchase: Date, months: number): Date {
  const end = new Date(purchase.getTime());
  const day = end.getUTCDate();
  end.setUTCDate(1);
  end.setUTCMonth(end.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 1, 0)).getUTCDate();
  end.setUTCDate(Math.min(day, lastDay));
  return end;
}

/** Why a note may be sent (its basis), or why not, in words the staff page shows. */
export type WinbackConsent =
  | { ok: true; basis: 'express'; detail: string }
  | { ok: true; basis: 'implied'; until: Date; detail: string }
  | { ok: false; reason: 'erased' | 'opted-out' | 'expired' | 'no-purchase'; detail: string };

/** What the rule needs to know about one contact, read from the store by `consentFacts`. */
export interface ConsentFacts {
  erased: boolean;
  /** The latest win-back consent event, if any. */
  lastWinback: 'granted' | 'withdrawn' | undefined;
  /** Whether they are signed up (confirmed) to one of the shop's mailing lists. */
  subscribed: boolean;
  /** Their latest counted (not cancelled) order, ISO. */
  lastPurchase: string | undefined;
}

/**
 * The consent rule of a win-back note (CASL): never to an erased person or one who withdrew
 * win-back notes; otherwise with express consent (a confirmed sign-up to one of the shop's lists,
 * or consent given to win-back notes), or implied consent until `months` after their last purchase.
 * Pure, so the dates are tested without a store.
 */
export function winbackConsent(facts: ConsentFacts, now: Date, months: number, formatDate: (d: Date) => string): WinbackConsent {
  if (facts.erased) return { ok: false, reason: 'erased', detail: 'This person was erased at their request: nothing may be sent to them.' };
  if (facts.lastWinback === 'withdrawn')
    return { ok: false, reason: 'opted-out', detail: 'They unsubscribed from personal notes (win-back), so nothing may be sent to them.' };
  if (facts.lastWinback === 'granted' || facts.subscribed) return { ok: true, basis: 'express', detail: 'Express consent: they signed up to the shop’s mail.' };
  if (!facts.lastPurchase)
    return {
      ok: false,
      reason: 'no-purchase',
      detail: 'They never bought anything and never signed up to the shop’s mail: there is no consent to write to them.',
    };
  const until = impliedConsentEnds(new Date(facts.lastPurchase), months);
  if (now < until)
    return { ok: true, basis: 'implied', until, detail: `Implied consent from their last purchase, until ${formatDate(until)} (${months} months after it).` };
  return {
    ok: false,
    reason: 'expired',
    detail: `Implied consent from their last purchase ended on ${formatDate(until)} (${months} months after it), and they never signed up to the shop’s mail.`,
  };
}

/** Reads the facts `winbackConsent` needs; in the sending transaction, so what is checked is what holds when it is sent. */
export async function consentFacts(
  db: Kysely<Database>,
  secret: string,
  contact: { id: string; email: string; erased_at?: string | null | undefined },
): Promise<ConsentFacts> {
  const [ledger, subscription, purchase] = await Promise.all([
    lastConsent(db, contact.id, WINBACK_PURPOSE),
    db.selectFrom('list_subscriptions').select('list').where('contact_id', '=', contact.id).where('status', '=', 'confirmed').executeTakeFirst(),
    db
      .selectFrom('orders')
      .select('created_at')
      .where('contact_id', '=', contact.id)
      .where('status', '!=', 'cancelled')
      .orderBy('created_at', 'desc')
      .executeTakeFirst(),
  ]);
  const erased = Boolean(contact.erased_at) || (await wasErased(db, secret, contact.email));
  return {
    erased,
    lastWinback: ledger === 'granted' || ledger === 'withdrawn' ? ledger : undefined,
    subscribed: subscription !== undefined,
    lastPurchase: purchase?.created_at,
  };
}
