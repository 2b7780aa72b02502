import { randomUUID } from 'node:crypto';
import { z } from 'astro/zod';
import type { Kysely } from 'kysely';
import { formKey, wordingHash, wordingLanguage, type FormDefinition } from '../../core/forms/define-form.ts';
import { endpointForm, type FormEndpoint, type FormOutcome } from '../../core/forms/endpoint.ts';
import { collects, emailAddress, tokenField } from '../../core/forms/fields.ts';
import { composeMail } from '../../core/mail/compose.ts';
import { mailFooter } from '../../core/mail/identity.ts';
import { mailLink, mailTranslator } from '../../core/mail/mail-language.ts';
import { enqueueMail } from '../../core/mail/outbox.ts';
import { greeting, mailPermission } from '../../core/mail/unsolicited.ts';
import { erasedAddressHash } from '../../core/privacy/core-data.ts';
import { take } from '../../core/security/rate-limit.ts';
import { SESSION_COOKIE, sessionPerson } from '../../core/security/sessions.ts';
import { consumeToken, issueToken, LINK_REFUSED } from '../../core/security/tokens.ts';
import type { Services } from '../../core/services.ts';
import { appendConsent, upsertContact } from '../../core/store/contacts.ts';
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
interface PendingRequest {
  requestId: string;
  form: string;
  wording: string;
  language: string;
  policy: string;
}

const refused = (form: string, message: string, field = 'sku', status = 422): FormOutcome => ({
  kind: 'invalid',
  state: { form, values: {}, errors: { [field]: message }, message, status },
});

/** Marks a request confirmed and records the express consent it is (the ledger is append-only). */
async function confirmRequest(
  trx: Kysely<Database>,
  s: Services,
  requestId: string,
  contactId: string,
  consent: Omit<PendingRequest, 'requestId'>,
  source: string,
) {
  const now = s.clock().toISOString();
  const updated = await trx
    .updateTable('stock_requests')
    .set({ status: 'confirmed', confirmed_at: now, expires_at: null })
    .where('id', '=', requestId)
    .where('contact_id', '=', contactId)
    .returning('sku')
    .executeTakeFirst();
  if (!updated) return false;
  await appendConsent(
    trx,
    {
      contact_id: contactId,
      purpose: BACK_IN_STOCK_PURPOSE,
      action: 'granted',
      form_id: consent.form,
      wording_hash: consent.wording,
      language: consent.language,
      policy_version: consent.policy,
      source,
    },
    s.clock,
  );
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
    const consent = { form: formKey(form), wording: wordingHash(form, say), language: wordingLanguage(form, say), policy: s.privacyVersion };
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
      if ((await take(s.limits.mailPerAddress, `stock:${contact.email}`, trx)) > 0) return;
      const permission = await mailPermission(trx, s, contact);
      if (permission === 'none') return;
      const token = await issueToken(
        trx,
        {
          purpose: STOCK_CONFIRM,
          contactId: contact.id,
          payload: { requestId: id, ...consent } satisfies PendingRequest,
          ttlMs: s.config.crm.signupExpiryHours * 3_600_000,
        },
        s.clock,
      );
      const mail = mailTranslator(s.config.site, { language: say.locale });
      const name = productIn(product, mail.locale).name;
      await enqueueMail(
        trx,
        composeMail(
          {
            to: contact.email,
            subject: mail('wishlist.mail.confirm.subject', { name }),
            greeting: greeting(permission, contact.name, mail),
            paragraphs: [mail('wishlist.mail.confirm.text', { name, site: s.config.site.name })],
            action: { label: mail('wishlist.mail.confirm.action'), url: mailLink(s, mail, '/products/notify/confirm', { token }) },
            after: [mail('wishlist.mail.confirm.ignore', { hours: s.config.crm.signupExpiryHours })],
            footer: mailFooter(s.config, mail('wishlist.mail.confirm.why')),
            accent: s.config.site.accentColor,
          },
          mail,
        ),
        s.clock,
      );
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
  async handle(data, s) {
    const done = await s.db.transaction().execute(async (trx) => {
      const token = await consumeToken(trx, data.token, STOCK_CONFIRM, s.clock);
      if (!token?.contactId) return false;
      const pending = token.payload as PendingRequest;
      const ok = await confirmRequest(trx, s, pending.requestId, token.contactId, pending, 'web:/products/notify');
      // Someone erased who asks again and confirms it from their mailbox has given new consent (as a
      // newsletter sign-up does): the mark that kept mail away from them is lifted.
      if (ok) {
        const contact = await trx.selectFrom('contacts').select('email').where('id', '=', token.contactId).executeTakeFirstOrThrow();
        await trx.deleteFrom('erased_addresses').where('hash', '=', erasedAddressHash(s.secret, contact.email)).execute();
      }
      return ok;
    });
    if (!done) return { kind: 'invalid', state: { form: 'stock-request-confirm', values: {}, errors: {}, message: LINK_REFUSED, status: 400 } };
    return { kind: 'redirect', location: '/stock-notice/confirmed' };
  },
};
