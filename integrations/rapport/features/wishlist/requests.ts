import { randomUUID } from 'node:crypto';
import { z } from 'astro/zod';
import type { Kysely } from 'kysely';
import type { FormDefinition } from '../../core/forms/define-form.ts';
import { confirmByLink, consentShown, recordConsent, mailConfirmationLink, type ConsentShown } from '../../core/forms/double-opt-in.ts';
import { endpointForm, type FormEndpoint, type FormOutcome } from '../../core/forms/endpoint.ts';
import { collects, emailAddress, tokenField } from '../../core/forms/fields.ts';
import { SESSION_COOKIE, sessionPerson } from '../../core/security/sessions.ts';
import type { Services } from '../../core/services.ts';
import { upsertContact } from '../../core/store/contacts.ts';
import type { Database } from '../../core/store/schema.ts';
import { recordActivity } from '../../core/store/timeline.ts';
import { fieldMessage, translator } from '../../i18n/translate.ts';
import { BACK_IN_STOCK_PURPOSE, productIn, waitingFor } from './availability.ts';

export const STOCK_CONFIRM = 'stock-request-confirm';

const skuField = () =>
  z
    .string()
    .regex(/^[A-Z0-9][A-Z0-9-]{2,31}$/, fieldMessage('wishlist.sku.invalid'))
    .meta({ widget: 'hidden', ...collects('none') });

/**
 * "Tell me when it is available": the address and the product. Its consent line is the express
 * consent to the one notice (CASL): the ledger records its wording's hash when it is confirmed.
 */
export const notifyForm = (config: { site: { name: string } }) =>
  ({
    id: 'stock-request',
    version: 1,
    title: fieldMessage('wishlist.notify.form'),
    action: '/products/notify',
    purpose: 'newsletter',
    schema: z.strictObject({ email: emailAddress(), sku: skuField() }),
    submit: fieldMessage('wishlist.notify.submit'),
    consent: fieldMessage('wishlist.notify.consent', { site: config.site.name }),
  }) satisfies FormDefinition;

export const notifyConfirmForm = () =>
  ({
    id: 'stock-request-confirm',
    version: 1,
    action: '/products/notify/confirm',
    purpose: 'newsletter',
    schema: z.strictObject({ token: tokenField() }),
    submit: fieldMessage('wishlist.confirm.submit'),
    traps: false,
  }) satisfies FormDefinition;

/** What the confirmation token carries: the request, and what the ledger records when it is used. */
interface PendingRequest extends ConsentShown {
  requestId: string;
}

const refused = (form: string, message: string, field = 'sku', status = 422): FormOutcome => ({
  kind: 'invalid',
  state: { form, values: {}, errors: { [field]: message }, message, status },
});

/** Marks a request confirmed and records the express consent it is. */
async function confirmRequest(trx: Kysely<Database>, s: Services, requestId: string, contactId: string, consent: ConsentShown, source: string) {
  const now = s.clock().toISOString();
  const updated = await trx
    .updateTable('stock_requests')
    .set({ status: 'confirmed', confirmed_at: now, expires_at: null })
    .where('id', '=', requestId)
    .where('contact_id', '=', contactId)
    .returning('sku')
    .executeTakeFirst();
  if (!updated) return false;
  await recordConsent(trx, s, contactId, BACK_IN_STOCK_PURPOSE, consent, source);
  await recordActivity(trx, { contactId, type: 'stock-request', summary: `Waiting for ${updated.sku}`, data: { sku: updated.sku } }, now);
  return true;
}

/**
 * `/products/notify`: a signed-in customer's request is confirmed at once (the session shows the
 * address is theirs); anyone else gets a confirmation link first (double opt-in) and the same
 * answer whatever the address, so the form tells nobody who has asked before.
 */
export const notifyEndpoint: FormEndpoint<ReturnType<typeof notifyForm>['schema']> = {
  path: '/products/notify',
  decoy: '/stock-notice/check-your-inbox',
  localized: true,
  // Drawn on the static product pages: a post only asks for a confirmation mail, limited per address and IP.
  drawnOnStaticPages: true,
  form: (config) => notifyForm(config),
  async handle(data, s, request) {
    const say = translator(s.config.site, request.locale);
    const product = s.catalog?.bySku.get(data.sku);
    if (!product) return refused('stock-request', say('wishlist.no-product'));
    if (!waitingFor(product)) return refused('stock-request', say('wishlist.notify.available', { name: productIn(product, say.locale).name }));
    const form = endpointForm(notifyEndpoint, s);
    const consent = consentShown(form, say, s);
    const person = await sessionPerson(s.db, request.cookies[SESSION_COOKIE], s.clock);
    const signedIn = person && person.email === data.email.trim().toLowerCase();
    const now = s.clock();
    await s.db.transaction().execute(async (trx) => {
      const contact = signedIn
        ? await trx.selectFrom('contacts').selectAll().where('id', '=', person.contactId).executeTakeFirstOrThrow()
        : await upsertContact(trx, { email: data.email, name: '', language: say.locale }, s.clock);
      const existing = await trx
        .selectFrom('stock_requests')
        .selectAll()
        .where('contact_id', '=', contact.id)
        .where('sku', '=', product.sku)
        .executeTakeFirst();
      if (existing?.status === 'confirmed' && !existing.notified_at) return;
      const id = existing?.id ?? randomUUID();
      const expires = new Date(now.getTime() + s.config.crm.signupExpiryHours * 3_600_000).toISOString();
      // A request already notified, or never confirmed, starts again as a new one.
      if (existing) {
        await trx
          .updateTable('stock_requests')
          .set({ status: 'pending', language: say.locale, created_at: now.toISOString(), expires_at: expires, confirmed_at: null, notified_at: null })
          .where('id', '=', id)
          .execute();
      } else {
        await trx
          .insertInto('stock_requests')
          .values({ id, contact_id: contact.id, sku: product.sku, status: 'pending', language: say.locale, created_at: now.toISOString(), expires_at: expires })
          .execute();
      }
      if (signedIn) {
        await confirmRequest(trx, s, id, contact.id, consent, 'account:/products/notify');
        return;
      }
      const name = (locale: string) => productIn(product, locale).name;
      await mailConfirmationLink(trx, s, {
        contact,
        language: say.locale,
        limitKey: 'stock',
        purpose: STOCK_CONFIRM,
        payload: { requestId: id, ...consent } satisfies PendingRequest,
        confirmPath: '/products/notify/confirm',
        words: (mail) => ({
          subject: mail('wishlist.mail.confirm.subject', { name: name(mail.locale) }),
          paragraphs: [mail('wishlist.mail.confirm.text', { name: name(mail.locale), site: s.config.site.name })],
          action: mail('wishlist.mail.confirm.action'),
          after: [mail('wishlist.mail.confirm.ignore', { hours: s.config.crm.signupExpiryHours })],
          why: mail('wishlist.mail.confirm.why'),
        }),
      });
    });
    return { kind: 'redirect', location: signedIn ? '/account/?saved=stock-request' : '/stock-notice/check-your-inbox' };
  },
};

/** `/products/notify/confirm`: the button on the page the confirmation link opens. */
export const notifyConfirmEndpoint: FormEndpoint<ReturnType<typeof notifyConfirmForm>['schema']> = {
  path: '/products/notify/confirm',
  decoy: '/stock-notice/confirmed',
  localized: true,
  form: notifyConfirmForm,
  handle: confirmByLink<PendingRequest>({
    form: 'stock-request-confirm',
    purpose: STOCK_CONFIRM,
    confirmed: '/stock-notice/confirmed',
    activate: (trx, s, contactId, pending) => confirmRequest(trx, s, pending.requestId, contactId, pending, 'web:/products/notify'),
  }),
};
