import type { Services } from '../../core/services.ts';
import { siteLink } from '../../core/forms/endpoint.ts';
import { composeMail } from '../../core/mail/compose.ts';
import { mailFooter, staffAddress } from '../../core/mail/identity.ts';
import { mailTranslator } from '../../core/mail/mail-language.ts';
import { enqueueMail } from '../../core/mail/outbox.ts';
import { wasErased } from '../../core/privacy/core-data.ts';
import { lastConsent } from '../../core/store/contacts.ts';
import { recordActivity } from '../../core/store/timeline.ts';
import { listMailLinks } from '../newsletter/feature.ts';
import { availableNow, BACK_IN_STOCK_LIST, BACK_IN_STOCK_PURPOSE, productIn } from './availability.ts';

type NoticeServices = Pick<Services, 'db' | 'config' | 'site' | 'clock' | 'catalog' | 'secret'>;

/**
 * Mails everyone waiting for a product the live catalogue now has in stock: one mail per
 * confirmed request, once. Each request is claimed (`notified_at`) with a conditional update in
 * the transaction that enqueues its mail, so two servers (or a restart mid-run) never send it
 * twice. The request is the express consent to this one mail; someone who withdrew it since (the
 * ledger's latest word for the purpose) or whose address was erased gets nothing, and their
 * request is closed all the same. Returns how many were sent.
 */
export async function sendBackInStockNotices(s: NoticeServices): Promise<number> {
  const ready = (s.catalog?.products ?? []).filter(availableNow).map((p) => p.sku);
  if (ready.length === 0) return 0;
  const now = s.clock();
  const due = await s.db
    .selectFrom('stock_requests')
    .innerJoin('contacts', 'contacts.id', 'stock_requests.contact_id')
    .select([
      'stock_requests.id',
      'stock_requests.sku',
      'stock_requests.contact_id',
      'stock_requests.language',
      'contacts.email',
      'contacts.name',
      'contacts.erased_at',
    ])
    .where('stock_requests.status', '=', 'confirmed')
    .where('stock_requests.notified_at', 'is', null)
    .where('stock_requests.sku', 'in', ready)
    .orderBy('stock_requests.confirmed_at')
    .limit(200)
    .execute();
  let sent = 0;
  for (const request of due) {
    const product = s.catalog?.bySku.get(request.sku);
    if (!product) continue;
    const outcome = await s.db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('stock_requests')
        .set({ notified_at: now.toISOString() })
        .where('id', '=', request.id)
        .where('status', '=', 'confirmed')
        .where('notified_at', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return 'taken';
      const last = await lastConsent(trx, request.contact_id, BACK_IN_STOCK_PURPOSE);
      const refusal = request.erased_at || (await wasErased(trx, s.secret, request.email)) ? 'erased' : last !== 'granted' ? 'consent withdrawn' : undefined;
      if (refusal) {
        await recordActivity(
          trx,
          {
            contactId: request.contact_id,
            type: 'stock-notice-skipped',
            summary: `No back-in-stock e-mail for ${request.sku}: ${refusal}`,
            data: { sku: request.sku },
          },
          now,
        );
        return 'skipped';
      }
      // In the language the request was made in: the product's name and page in it.
      const say = mailTranslator(s.config.site, { language: request.language });
      const shown = productIn(product, say.locale);
      const links = await listMailLinks(trx, s, request.contact_id, BACK_IN_STOCK_LIST, say);
      await enqueueMail(
        trx,
        composeMail(
          {
            to: request.email,
            subject: say('wishlist.mail.notice.subject', { name: shown.name }),
            greeting: request.name ? say('mail.greeting.named', { name: request.name }) : say('mail.greeting.plain'),
            paragraphs: [say('wishlist.mail.notice.text', { name: shown.name, unit: shown.unit, site: s.config.site.name })],
            action: { label: say('wishlist.mail.notice.action'), url: siteLink(s, shown.path) },
            after: [say('wishlist.mail.notice.once')],
            footer: mailFooter(s.config, say('wishlist.mail.notice.why')),
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
        { contactId: request.contact_id, type: 'stock-notice', summary: `Back-in-stock e-mail for ${request.sku}`, data: { sku: request.sku } },
        now,
      );
      return 'sent';
    });
    if (outcome === 'sent') sent++;
  }
  return sent;
}

/**
 * Pending requests whose confirmation link expired, and requests a year old (notified or not):
 * deleted. What the privacy statement says of them (`privacy.stored.stock-requests.kept`).
 */
export async function dropOldRequests(s: Pick<Services, 'db' | 'clock'>): Promise<number> {
  const now = s.clock();
  const yearAgo = new Date(now.getTime());
  yearAgo.setUTCFullYear(yearAgo.getUTCFullYear() - 1);
  const expired = await s.db.deleteFrom('stock_requests').where('status', '=', 'pending').where('expires_at', '<=', now.toISOString()).executeTakeFirst();
  const old = await s.db.deleteFrom('stock_requests').where('created_at', '<=', yearAgo.toISOString()).executeTakeFirst();
  return Number(expired.numDeletedRows) + Number(old.numDeletedRows);
}
