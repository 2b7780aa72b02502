import { z } from 'astro/zod';
import type { FormDefinition } from '../../core/forms/define-form.ts';
import type { FormEndpoint } from '../../core/forms/endpoint.ts';
import { emailAddress, isLocalPath, localPathField, tokenField } from '../../core/forms/fields.ts';
import { composeMail } from '../../core/mail/compose.ts';
import { mailFooter } from '../../core/mail/identity.ts';
import { enqueueMail } from '../../core/mail/outbox.ts';
import { greeting, mailPermission } from '../../core/mail/unsolicited.ts';
import { take } from '../../core/security/rate-limit.ts';
import { can } from '../../core/security/roles.ts';
import { clearedSessionCookie, createSession, endSession, isStaff, SESSION_COOKIE, sessionCookie, sessionPerson } from '../../core/security/sessions.ts';
import { consumeToken } from '../../core/security/tokens.ts';
import { accountListsForm, applyListChoice } from '../newsletter/feature.ts';
import { SIGN_IN, signInLink } from './sign-in-link.ts';
import { mailTranslator } from '../../core/mail/mail-language.ts';
import { fieldMessage, translator } from '../../i18n/translate.ts';
import { localizedPath } from '../../config/locales.ts';

export const signInForm = () =>
  ({
    id: 'sign-in',
    version: 1,
    action: '/account/sign-in',
    purpose: 'account',
    // `next`: the page to come back to (a product whose wish-list button sent them here).
    schema: z.strictObject({ email: emailAddress(), next: localPathField() }),
    submit: fieldMessage('account.sign-in.submit'),
  }) satisfies FormDefinition;

/** `/account/sign-in`: mails a one-time link to an address with an account; says the same for any address. */
export const signInEndpoint: FormEndpoint<ReturnType<typeof signInForm>['schema']> = {
  path: '/account/sign-in',
  decoy: '/account/check-your-inbox',
  localized: true,
  form: signInForm,
  async handle(data, s, request) {
    await s.db.transaction().execute(async (trx) => {
      const person = await trx
        .selectFrom('accounts')
        .innerJoin('contacts', 'contacts.id', 'accounts.contact_id')
        .select(['contacts.id', 'contacts.email', 'contacts.name', 'contacts.email_confirmed_at'])
        .where('contacts.email', '=', data.email.toLowerCase())
        .executeTakeFirst();
      if (!person) return;
      if ((await take(s.limits.mailPerAddress, `sign-in:${person.email}`, trx)) > 0) return;
      const permission = await mailPermission(trx, s, person);
      if (permission === 'none') return;
      // The sign-in form is the last one they sent: its language is theirs now, and the mail's.
      const language = request.locale ?? s.config.site.locale;
      await trx.updateTable('contacts').set({ language }).where('id', '=', person.id).execute();
      const say = mailTranslator(s.config.site, { language });
      await enqueueMail(
        trx,
        composeMail(
          {
            to: person.email,
            subject: say('mail.account.sign-in.subject', { site: s.config.site.name }),
            greeting: greeting(permission, person.name, say),
            paragraphs: [say('mail.account.sign-in.text')],
            action: { label: say('mail.account.sign-in.action'), url: await signInLink(trx, s, person.id, { services: s, say }, data.next) },
            after: [say('mail.account.sign-in.after')],
            footer: mailFooter(s.config, say('mail.account.sign-in.why')),
            accent: s.config.site.accentColor,
          },
          say,
        ),
        s.clock,
      );
    });
    return { kind: 'redirect', location: '/account/check-your-inbox' };
  },
};

export const signInConfirmForm = () =>
  ({
    id: 'sign-in-confirm',
    version: 1,
    action: '/account/sign-in/confirm',
    purpose: 'account',
    schema: z.strictObject({ token: tokenField() }),
    submit: fieldMessage('account.confirm.submit'),
    traps: false,
  }) satisfies FormDefinition;

/** A refused sign-in link, and what to do instead (a catalogue text: said in the page's language). */
const SIGN_IN_REFUSED = fieldMessage('account.confirm.refused');

/**
 * The button on the page a sign-in link opens: uses the token and starts a session. Not
 * `localized`: staff go to the console, which has one address; a customer goes to the account
 * page in the language they signed in from (`/fr/account/` from `/fr/account/sign-in/confirm`).
 */
export const signInConfirmEndpoint: FormEndpoint<ReturnType<typeof signInConfirmForm>['schema']> = {
  path: '/account/sign-in/confirm',
  decoy: '/account/',
  form: signInConfirmForm,
  async handle(data, s, request) {
    const session = await s.db.transaction().execute(async (trx) => {
      const token = await consumeToken(trx, data.token, SIGN_IN, s.clock);
      if (!token?.contactId) return undefined;
      const account = await trx.selectFrom('accounts').select(['id', 'role']).where('contact_id', '=', token.contactId).executeTakeFirstOrThrow();
      const next = (token.payload as { next?: string } | undefined)?.next;
      return { value: await createSession(trx, account.id, s.clock), role: account.role, next: isLocalPath(next) ? next : undefined };
    });
    if (!session) return { kind: 'invalid', state: { form: 'sign-in-confirm', values: {}, errors: {}, message: SIGN_IN_REFUSED, status: 400 } };
    // Staff go to where their work is: editors to the content manager when the site has one, the others to the console.
    const cms = s.config.cms.enabled && s.config.cms.backend.name === 'rapport';
    const account = localizedPath(s.config.site, request.locale ?? s.config.site.locale, '/account/');
    // A customer who came to sign in from a page goes back to it (already in its language).
    const home = can(session.role, 'cms') && cms ? '/admin/' : isStaff(session.role) ? '/admin/crm/' : (session.next ?? account);
    return { kind: 'redirect', location: home, cookies: [sessionCookie(session.value, request.secure)] };
  },
};

export const signOutForm = () =>
  ({
    id: 'sign-out',
    version: 1,
    action: '/account/sign-out',
    purpose: 'account',
    schema: z.strictObject({}),
    submit: fieldMessage('account.page.sign-out'),
    traps: false,
  }) satisfies FormDefinition;

/** Signing out on the account page, in its language (`/fr/account/sign-out` → `/fr/account/signed-out`). */
export const signOutEndpoint: FormEndpoint<ReturnType<typeof signOutForm>['schema']> = {
  path: '/account/sign-out',
  page: '/account/',
  decoy: '/account/signed-out',
  localized: true,
  form: signOutForm,
  async handle(_data, s, request) {
    await endSession(s.db, request.cookies[SESSION_COOKIE]);
    return { kind: 'redirect', location: '/account/signed-out', cookies: [clearedSessionCookie(request.secure)] };
  },
};

/** The list choice on `/account/` (and `/fr/account/`, back to it); needs a session. */
export const accountListsEndpoint: FormEndpoint<ReturnType<typeof accountListsForm>['schema']> = {
  path: '/account/subscriptions',
  page: '/account/',
  decoy: '/account/',
  localized: true,
  form: (config) => accountListsForm(config),
  async handle(data, s, request) {
    const person = await sessionPerson(s.db, request.cookies[SESSION_COOKIE], s.clock);
    if (!person) return { kind: 'redirect', location: '/account/sign-in' };
    // The ledger hashes the wording in the language the page showed it in.
    const shown = translator(s.config.site, request.locale);
    await s.db.transaction().execute((trx) => applyListChoice(trx, s, person.contactId, data.lists ?? [], accountListsForm(s.config), 'web:/account/', shown));
    return { kind: 'redirect', location: '/account/?saved=lists' };
  },
};
