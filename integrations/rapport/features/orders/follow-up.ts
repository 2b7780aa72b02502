import { recordActivity } from '../../core/store/timeline.ts';
import type { Services } from '../../core/services.ts';
import type { Kysely } from 'kysely';
import { siteLink } from '../../core/forms/endpoint.ts';
import { composeMail } from '../../core/mail/compose.ts';
import { mailLink, mailTranslator } from '../../core/mail/mail-language.ts';
import { mailFooter, staffAddress } from '../../core/mail/identity.ts';
import { enqueueMail } from '../../core/mail/outbox.ts';
import { lastConsent } from '../../core/store/contacts.ts';
import { businessTimeZone, isoDay } from '../../config/time-zone.ts';
import type { Database } from '../../core/store/schema.ts';
import { listMailLinks } from '../newsletter/feature.ts';
import { lineIn, orderable, productIn, type Catalog } from './catalog.ts';
import { FOLLOW_UP_PURPOSE } from './place-order.ts';
import type { CatalogProduct } from './pricing.ts';

type FollowUpServices = Pick<Services, 'db' | 'config' | 'site' | 'clock' | 'catalog' | 'secret' | 'afterSaleSurvey'>;

/** The mailing-list id of the after-sale mail: its unsubscribe link withdraws `newsletter:after-sale`. */
export const FOLLOW_UP_LIST = FOLLOW_UP_PURPOSE.slice('newsletter:'.length);

/**
 * Products other customers ordered together with `skus`, most often first; when there are too
 * few, the catalogue's featured products fill in. Only what can be ordered now.
 */
export async function boughtTogether(
  db: Kysely<Database>,
  catalog: Catalog | undefined,
  currency: string,
  skus: string[],
  orderId: string,
  limit = 3,
): Promise<CatalogProduct[]> {
  if (!catalog || skus.length === 0) return [];
  const rows = await db
    .selectFrom('order_lines as other')
    .innerJoin('order_lines as mine', 'mine.order_id', 'other.order_id')
    .innerJoin('orders', 'orders.id', 'other.order_id')
    .select((eb) => ['other.sku', eb.fn.count<number>('other.order_id').distinct().as('together')])
    .where('mine.sku', 'in', skus)
    .where('other.sku', 'not in', skus)
    .where('orders.id', '!=', orderId)
    .where('orders.status', '!=', 'cancelled')
    .groupBy('other.sku')
    .orderBy('together', 'desc')
    .orderBy('other.sku')
    .limit(20)
    .execute();
  const can = (p: CatalogProduct | undefined): p is CatalogProduct => !!p && orderable(p, currency) && !skus.includes(p.sku);
  const picked = rows.map((r) => catalog.bySku.get(r.sku)).filter(can);
  for (const p of catalog.products.filter((x) => x.featured)) if (can(p) && !picked.includes(p)) picked.push(p);
  return picked.slice(0, limit);
}

/**
 * Sends the after-sale e-mails that are due: each delivered order once, `daysAfterDelivery`
 * after delivery, only with consent (the ticked box, or a purchase within the implied-consent
 * window), never after the customer opted out. Each order is claimed with a conditional update,
 * so two servers never send one twice. Returns how many were sent.
 */
export async function sendDueFollowUps(s: FollowUpServices): Promise<number> {
  const options = s.config.crm.orders.followUp;
  if (!options.enabled) return 0;
  const now = s.clock();
  const due = await s.db
    .selectFrom('orders')
    .innerJoin('contacts', 'contacts.id', 'orders.contact_id')
    .select([
      'orders.id',
      'orders.number',
      'orders.contact_id',
      'orders.created_at',
      'orders.follow_up_consent',
      'contacts.email',
      'contacts.name',
      'contacts.language',
    ])
    .where('orders.status', '=', 'delivered')
    .where('orders.followed_up_at', 'is', null)
    .where('orders.follow_up_due_at', '<=', now.toISOString())
    .orderBy('orders.follow_up_due_at')
    .limit(50)
    .execute();
  let sent = 0;
  for (const order of due) {
    const outcome = await s.db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('orders')
        .set({ followed_up_at: now.toISOString(), follow_up_due_at: null })
        .where('id', '=', order.id)
        .where('followed_up_at', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return 'taken';
      const last = await lastConsent(trx, order.contact_id, FOLLOW_UP_PURPOSE);
      const windowEnds = new Date(order.created_at);
      windowEnds.setUTCMonth(windowEnds.getUTCMonth() + options.impliedConsentMonths);
      const consent =
        last === 'withdrawn'
          ? 'opted out'
          : options.consent === 'express'
            ? order.follow_up_consent === 1 || last === 'granted'
              ? 'ok'
              : 'no consent'
            : now < windowEnds
              ? 'ok'
              : 'implied consent expired';
      if (consent !== 'ok') {
        await recordActivity(
          trx,
          {
            contactId: order.contact_id,
            type: 'follow-up-skipped',
            summary: `No after-sale e-mail for order ${order.number}: ${consent}`,
            data: { number: order.number },
          },
          now,
        );
        return 'skipped';
      }
      // In the customer's language: its words, the products' names in it and links to its pages.
      const say = mailTranslator(s.config.site, order);
      const lines = (await trx.selectFrom('order_lines').select(['sku', 'name', 'unit']).where('order_id', '=', order.id).orderBy('position').execute()).map(
        (l) => lineIn(s.catalog, say.locale, l),
      );
      const suggestions = await boughtTogether(
        trx,
        s.catalog,
        s.config.crm.orders.currency,
        lines.map((l) => l.sku),
        order.id,
      );
      const links = await listMailLinks(trx, s, order.contact_id, FOLLOW_UP_LIST, say);
      const bought = lines.map((l) => l.name);
      const suggested = suggestions.map((p) => productIn(p, say.locale));
      // A survey marked "Ask after an order" rides in this mail, within its consent (features/surveys).
      const survey = s.afterSaleSurvey?.(say, order.id, isoDay(now, businessTimeZone(s.config.business)));
      await enqueueMail(
        trx,
        composeMail(
          {
            to: order.email,
            subject: say('mail.follow-up.subject', { count: bought.length, name: bought[0] ?? '' }),
            greeting: say('mail.greeting.named', { name: order.name }),
            paragraphs: [
              say('mail.follow-up.text', { number: order.number, products: bought.join(', ') }),
              ...(suggested.length
                ? [say('mail.follow-up.suggestions', { products: suggested.map((p) => `${p.name} (${p.unit}): ${siteLink(s, p.path)}`).join('\n') })]
                : []),
              ...(survey ? [say('mail.follow-up.survey', { title: survey.title, url: survey.url })] : []),
            ],
            action: { label: say('mail.follow-up.action'), url: mailLink(s, say, '/order') },
            footer: mailFooter(s.config, say('mail.follow-up.why')),
            unsubscribeUrl: links.unsubscribe,
            replyTo: staffAddress(s.config),
            accent: s.config.site.accentColor,
          },
          say,
        ),
        s.clock,
      );
      await recordActivity(
        trx,
        {
          contactId: order.contact_id,
          type: 'follow-up',
          summary: `After-sale e-mail for order ${order.number}`,
          data: { number: order.number, suggestions: suggestions.map((p) => p.sku), ...(survey ? { survey: survey.slug } : {}) },
        },
        now,
      );
      return 'sent';
    });
    if (outcome === 'sent') sent++;
  }
  return sent;
}
