import type { Kysely } from 'kysely';
import { businessTimeZone } from '../../config/time-zone.ts';
import { composeMail } from '../../core/mail/compose.ts';
import { mailFooter, staffAddress } from '../../core/mail/identity.ts';
import { mailLink, mailTranslator } from '../../core/mail/mail-language.ts';
import { enqueueMail } from '../../core/mail/outbox.ts';
import { erasedPlaceholder, wasErased } from '../../core/privacy/core-data.ts';
import type { Services } from '../../core/services.ts';
import { lastConsent } from '../../core/store/contacts.ts';
import type { Database } from '../../core/store/schema.ts';
import { recordActivity } from '../../core/store/timeline.ts';
import { listMailLinks } from '../newsletter/feature.ts';
import { productIn, type Catalog } from '../orders/feature.ts';
import { REORDER_LIST, REORDER_PURPOSE } from './consent.ts';
import { REMINDER_KEPT_YEARS } from './privacy.ts';
import { reorderLink, reorderLines, type ReorderItem } from './reorder-link.ts';
import { localDay, reminderDue, seasonOf, windowFor, yearlyDue, type Day, type OrderingWindow } from './seasons.ts';

// Where the consent reminders need is defined, beside the account page's form that records it.
export { REORDER_LIST, REORDER_PURPOSE };

type ReminderServices = Pick<Services, 'db' | 'config' | 'site' | 'clock' | 'catalog' | 'secret' | 'orderingWindows'>;

/** One order line as the job reads it: what, how many, when (the business's day) and by whom. */
interface Bought {
  contactId: string;
  orderId: string;
  day: Day;
  createdAt: string;
  sku: string;
  quantity: number;
}

/** One reminder to claim: the season's row name, what to suggest, and (for a window) when it closes. */
interface Due {
  key: string;
  items: ReorderItem[];
  closes?: Day | undefined;
}

/**
 * What is due for one customer today: for each window whose reminder is due, last season's
 * products of its categories (the latest earlier season they bought in), unless they already
 * ordered from it this season; for products without a window, each order 11 months old whose
 * products they have not ordered again since.
 */
export function dueFor(bought: readonly Bought[], catalog: Catalog, windows: readonly OrderingWindow[], today: Day): Due[] {
  const due: Due[] = [];
  const category = (sku: string) => catalog.bySku.get(sku)?.category;
  for (const w of windows) {
    const season = reminderDue(w, today);
    if (!season) continue;
    const mine = bought.filter((b) => {
      const c = category(b.sku);
      return c !== undefined && windowFor(windows, c) === w;
    });
    if (mine.some((b) => b.day >= season.opens)) continue; // ordered this season already
    const earlier = mine.filter((b) => b.day < season.opens);
    if (earlier.length === 0) continue;
    const last = seasonOf(
      w,
      earlier.reduce((a, b) => (b.day > a ? b.day : a), earlier[0]!.day),
    );
    due.push({ key: season.key, items: summed(earlier.filter((b) => seasonOf(w, b.day).key === last.key)), closes: season.closes });
  }
  const yearly = bought.filter((b) => {
    const c = category(b.sku);
    return c !== undefined && !windowFor(windows, c) && yearlyDue(b.day, today);
  });
  for (const orderId of new Set(yearly.map((b) => b.orderId))) {
    const lines = yearly.filter((b) => b.orderId === orderId);
    const again = (sku: string) => bought.some((b) => b.sku === sku && b.orderId !== orderId && b.createdAt > lines[0]!.createdAt);
    const items = summed(lines.filter((b) => !again(b.sku)));
    if (items.length) due.push({ key: `yearly:${orderId}`, items });
  }
  return due;
}

/** Quantities of each product added up, in the order first bought. */
function summed(lines: readonly Bought[]): ReorderItem[] {
  const items = new Map<string, number>();
  for (const l of lines) items.set(l.sku, (items.get(l.sku) ?? 0) + l.quantity);
  return [...items].map(([sku, quantity]) => ({ sku, quantity }));
}

/**
 * Sends the reorder reminders due today (once a day is enough; it runs more often so a restart
 * loses nothing). Each (customer, season) is claimed by inserting its row inside the transaction
 * that writes the mail: a second server or a second run finds the row and sends nothing. Only
 * with consent: express (`newsletter:reorder` granted), or implied within the CASL months after
 * their last purchase; never after they withdrew it or were erased. Returns how many were sent.
 */
export async function sendDueReorderReminders(s: ReminderServices): Promise<number> {
  const catalog = s.catalog;
  const options = s.config.crm.orders.followUp;
  if (!catalog) return 0;
  const now = s.clock();
  const timeZone = businessTimeZone(s.config.business);
  const today = localDay(now, timeZone);
  const rows = await s.db
    .selectFrom('order_lines')
    .innerJoin('orders', 'orders.id', 'order_lines.order_id')
    .select(['orders.contact_id', 'orders.id', 'orders.created_at', 'order_lines.sku', 'order_lines.quantity'])
    .where('orders.status', '!=', 'cancelled')
    .where('orders.created_at', '<=', now.toISOString())
    .orderBy('orders.created_at')
    .orderBy('order_lines.position')
    .execute();
  const byContact = new Map<string, Bought[]>();
  for (const r of rows) {
    const list = byContact.get(r.contact_id) ?? byContact.set(r.contact_id, []).get(r.contact_id)!;
    list.push({
      contactId: r.contact_id,
      orderId: r.id,
      createdAt: r.created_at,
      day: localDay(new Date(r.created_at), timeZone),
      sku: r.sku,
      quantity: r.quantity,
    });
  }
  let sent = 0;
  for (const [contactId, bought] of byContact) {
    // An erased customer's orders stay (tax records) under an empty contact: nothing is claimed or kept for them.
    const contact = await s.db.selectFrom('contacts').select('email').where('id', '=', contactId).executeTakeFirst();
    if (!contact || contact.email === erasedPlaceholder(contactId) || (await wasErased(s.db, s.secret, contact.email))) continue;
    for (const due of dueFor(bought, catalog, s.orderingWindows ?? [], today)) {
      const known = await s.db
        .selectFrom('reorder_reminders')
        .select('status')
        .where('contact_id', '=', contactId)
        .where('season', '=', due.key)
        .executeTakeFirst();
      if (known) continue;
      const lastPurchase = bought[bought.length - 1]!.createdAt;
      if ((await remind(s, contactId, due, lastPurchase, options.impliedConsentMonths, options.consent)) === 'sent') sent++;
    }
  }
  return sent;
}

async function remind(s: ReminderServices, contactId: string, due: Due, lastPurchase: string, months: number, mode: 'implied' | 'express') {
  const now = s.clock();
  return s.db.transaction().execute(async (trx) => {
    const claimed = await trx
      .insertInto('reorder_reminders')
      .values({ contact_id: contactId, season: due.key, status: 'skipped', skus: JSON.stringify(due.items.map((i) => i.sku)), created_at: now.toISOString() })
      .onConflict((oc) => oc.columns(['contact_id', 'season']).doNothing())
      .executeTakeFirst();
    if (Number(claimed.numInsertedOrUpdatedRows ?? 0) !== 1) return 'taken';
    const contact = await trx.selectFrom('contacts').select(['email', 'name', 'language']).where('id', '=', contactId).executeTakeFirst();
    const { orderable, gone } = reorderLines(due.items, s.catalog, s.config.crm.orders.currency);
    // Nothing left to order (every product sold out or gone): no mail, and not again this season.
    const why = (await withoutConsent(trx, s, contactId, contact?.email, lastPurchase, months, mode)) ?? (orderable.length ? undefined : 'nothing orderable');
    if (why || !contact) {
      await recordActivity(
        trx,
        { contactId, type: 'reorder-skipped', summary: `No reorder reminder (${due.key}): ${why ?? 'no contact'}`, data: { season: due.key } },
        now,
      );
      return 'skipped';
    }
    const say = mailTranslator(s.config.site, contact);
    const links = await listMailLinks(trx, s, contactId, REORDER_LIST, say);
    const named = (sku: string) => {
      const p = s.catalog?.bySku.get(sku);
      return p ? productIn(p, say.locale) : undefined;
    };
    const list = orderable.map((i) => {
      const p = named(i.sku)!;
      return `• ${p.name} (${p.unit}) × ${i.quantity}`;
    });
    const closes = due.closes ? new Intl.DateTimeFormat(say.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${due.closes}T00:00:00Z`)) : '';
    await enqueueMail(
      trx,
      composeMail(
        {
          to: contact.email,
          subject: due.closes ? say('reorder.mail.subject-window', { closes }) : say('reorder.mail.subject-yearly'),
          greeting: say('mail.greeting.named', { name: contact.name }),
          paragraphs: [
            say(due.closes ? 'reorder.mail.text-window' : 'reorder.mail.text-yearly', { closes }),
            list.join('\n'),
            ...gone.map((sku) => say('reorder.mail.gone', { name: named(sku)?.name ?? sku })),
          ],
          action: { label: say('reorder.mail.action'), url: mailLink(s, say, '/reorder', { items: reorderLink(orderable, s.secret) }) },
          footer: mailFooter(s.config, say('reorder.mail.why')),
          unsubscribeUrl: links.unsubscribe,
          replyTo: staffAddress(s.config),
          accent: s.config.site.accentColor,
        },
        say,
      ),
      s.clock,
    );
    await trx.updateTable('reorder_reminders').set({ status: 'sent' }).where('contact_id', '=', contactId).where('season', '=', due.key).execute();
    await recordActivity(
      trx,
      { contactId, type: 'reorder', summary: `Reorder reminder (${due.key})`, data: { season: due.key, skus: orderable.map((i) => i.sku) } },
      now,
    );
    return 'sent';
  });
}

/** Why this contact may not be written to, or undefined when they may. */
async function withoutConsent(
  trx: Kysely<Database>,
  s: ReminderServices,
  contactId: string,
  email: string | undefined,
  lastPurchase: string,
  months: number,
  mode: 'implied' | 'express',
): Promise<string | undefined> {
  if (!email || email === erasedPlaceholder(contactId) || (await wasErased(trx, s.secret, email))) return 'erased';
  const last = await lastConsent(trx, contactId, REORDER_PURPOSE);
  if (last === 'withdrawn') return 'opted out';
  if (last === 'granted') return undefined;
  if (mode === 'express') return 'no express consent';
  const ends = new Date(lastPurchase);
  ends.setUTCMonth(ends.getUTCMonth() + months);
  return s.clock() < ends ? undefined : 'implied consent expired';
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Rapport {
    interface FeatureServices {
      /** The editor's ordering windows from the live build (features/reorder). */
      orderingWindows?: OrderingWindow[] | undefined;
    }
  }
}

/** Deletes the record of reminders older than the period the privacy statement gives (two years: a season is long over). */
export async function forgetOldReminders(s: Pick<Services, 'db' | 'clock'>): Promise<number> {
  const cutoff = new Date(s.clock().getTime());
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - REMINDER_KEPT_YEARS);
  const deleted = await s.db.deleteFrom('reorder_reminders').where('created_at', '<', cutoff.toISOString()).executeTakeFirst();
  return Number(deleted.numDeletedRows);
}
