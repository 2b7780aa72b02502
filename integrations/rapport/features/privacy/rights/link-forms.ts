import { z } from 'astro/zod';
import type { FormDefinition } from '../../../core/forms/define-form.ts';
import type { FormEndpoint } from '../../../core/forms/endpoint.ts';
import { collects, emailAddress, tokenField } from '../../../core/forms/fields.ts';
import { composeMail } from '../../../core/mail/compose.ts';
import { mailFooter } from '../../../core/mail/identity.ts';
import { mailTranslator } from '../../../core/mail/mail-language.ts';
import { enqueueMail } from '../../../core/mail/outbox.ts';
import { greeting, mailPermission } from '../../../core/mail/unsolicited.ts';
import { take } from '../../../core/security/rate-limit.ts';
import { consumeToken } from '../../../core/security/tokens.ts';
import { fieldMessage, translator } from '../../../i18n/translate.ts';
import { eraseAtRequest } from './account-forms.ts';
import {
  clearedPrivacyCookie,
  MY_DATA_PATH,
  PRIVACY_COOKIE,
  PRIVACY_REQUEST,
  privacyCookie,
  privacySessionContact,
  requestLink,
  startPrivacySession,
} from './privacy-link.ts';
import { closeLinkRequests, recordRequest } from './requests.ts';

export const REQUEST_PATH = '/privacy/request';
export const REQUEST_SENT = '/privacy/request/sent';
export const LINK_DELETED = '/privacy/deleted';
/** What a refused or spent link says (`LINK_REFUSED`'s words), with where to ask again. */
export const ASK_AGAIN = fieldMessage('privacy.link.ask-again');

/** `/privacy/request`: one address, for people without an account (or not signed in). */
export const requestForm = () =>
  ({
    id: 'privacy-request',
    version: 1,
    action: REQUEST_PATH,
    // The address finds the record and receives the link; it is kept nowhere new (the rate-limit counters and the outbox copy are the form server's).
    purpose: 'rights',
    schema: z.strictObject({ email: emailAddress() }),
    submit: fieldMessage('privacy-rights.request.submit'),
  }) satisfies FormDefinition;

/**
 * Mails a one-time link to an address the store knows; says the same, after the same work in
 * one transaction, for any address, so the form cannot tell anyone whose data is held.
 */
export const requestEndpoint: FormEndpoint<ReturnType<typeof requestForm>['schema']> = {
  path: REQUEST_PATH,
  decoy: REQUEST_SENT,
  localized: true,
  form: requestForm,
  async handle(data, s) {
    await s.db.transaction().execute(async (trx) => {
      const contact = await trx
        .selectFrom('contacts')
        .select(['id', 'email', 'name', 'email_confirmed_at', 'language'])
        .where('email', '=', data.email.toLowerCase())
        .where('erased_at', 'is', null)
        .executeTakeFirst();
      if (!contact) return;
      if ((await take(s.limits.mailPerAddress, `privacy:${contact.email}`, trx)) > 0) return;
      const permission = await mailPermission(trx, s, contact);
      if (permission === 'none') return;
      const now = s.clock();
      // In the contact's language (the form's page may be in another: the address's owner reads it).
      const say = mailTranslator(s.config.site, contact);
      await recordRequest(trx, { contactId: contact.id, kind: 'link', via: 'link', status: 'open', at: now });
      await enqueueMail(
        trx,
        composeMail(
          {
            to: contact.email,
            subject: say('mail.privacy-rights.subject', { site: s.config.site.name }),
            greeting: greeting(permission, contact.name, say),
            paragraphs: [say('mail.privacy-rights.text')],
            action: { label: say('mail.privacy-rights.action'), url: await requestLink(trx, s, contact.id, say) },
            after: [say('mail.privacy-rights.after')],
            footer: mailFooter(s.config, say('mail.privacy-rights.why')),
            accent: s.config.site.accentColor,
          },
          say,
        ),
        s.clock,
      );
    });
    return { kind: 'redirect', location: REQUEST_SENT };
  },
};

/** The button on the page the mailed link opens: uses the link and starts the hour. */
export const openLinkForm = () =>
  ({
    id: 'privacy-open',
    version: 1,
    action: MY_DATA_PATH,
    purpose: 'rights',
    schema: z.strictObject({ token: tokenField() }),
    submit: fieldMessage('privacy.link.open.submit'),
    traps: false,
  }) satisfies FormDefinition;

export const openLinkEndpoint: FormEndpoint<ReturnType<typeof openLinkForm>['schema']> = {
  path: MY_DATA_PATH,
  decoy: MY_DATA_PATH,
  // The page is in every language: a French link's button posts to /fr/privacy/my-data and lands there.
  localized: true,
  form: openLinkForm,
  async handle(data, s, request) {
    const session = await s.db.transaction().execute(async (trx) => {
      const token = await consumeToken(trx, data.token, PRIVACY_REQUEST, s.clock);
      if (!token?.contactId) return undefined;
      const contact = await trx.selectFrom('contacts').select('erased_at').where('id', '=', token.contactId).executeTakeFirst();
      if (!contact || contact.erased_at) return undefined;
      await closeLinkRequests(trx, token.contactId, s.clock());
      return startPrivacySession(trx, token.contactId, s.clock);
    });
    if (!session) return { kind: 'invalid', state: { form: 'privacy-open', values: {}, errors: {}, message: ASK_AGAIN, status: 400 } };
    return { kind: 'redirect', location: MY_DATA_PATH, cookies: privacyCookie(session, request.secure, s.config.site, request.locale) };
  },
};

/** Deleting through the link: a box to tick (the address was shown to be theirs by the link). */
export const deleteByLinkForm = () =>
  ({
    id: 'privacy-delete',
    version: 1,
    action: `${MY_DATA_PATH}/delete`,
    purpose: 'rights',
    schema: z.strictObject({
      confirm: z
        .literal('yes', { message: fieldMessage('privacy.link.delete.unticked') })
        .meta({ title: fieldMessage('privacy.link.delete.confirm'), ...collects('none') }),
    }),
    submit: fieldMessage('privacy.link.delete.submit'),
    traps: false,
  }) satisfies FormDefinition;

export const deleteByLinkEndpoint: FormEndpoint<ReturnType<typeof deleteByLinkForm>['schema']> = {
  path: `${MY_DATA_PATH}/delete`,
  page: MY_DATA_PATH,
  decoy: MY_DATA_PATH,
  localized: true,
  form: deleteByLinkForm,
  async handle(_data, s, request) {
    const contactId = await privacySessionContact(s.db, request.cookies[PRIVACY_COOKIE], s.clock);
    if (!contactId) return { kind: 'invalid', state: { form: 'privacy-delete', values: {}, errors: {}, message: ASK_AGAIN, status: 400 } };
    const outcome = await eraseAtRequest(s, contactId, 'link');
    if (typeof outcome !== 'string') {
      // Said here, in the request's language: the reason is not a catalogue text the page could say.
      const say = translator(s.config.site, request.locale);
      const message = say('privacy.link.delete.refused', { reason: say.text(outcome.message) });
      return { kind: 'invalid', state: { form: 'privacy-delete', values: {}, errors: {}, message, status: 409 } };
    }
    return { kind: 'redirect', location: LINK_DELETED, cookies: clearedPrivacyCookie(request.secure, s.config.site, request.locale) };
  },
};
