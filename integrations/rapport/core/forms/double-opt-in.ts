import type { Kysely } from 'kysely';
import { composeMail } from '../mail/compose.ts';
import { mailFooter } from '../mail/identity.ts';
import { mailLink, mailTranslator } from '../mail/mail-language.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { greeting, mailPermission } from '../mail/unsolicited.ts';
import { erasedAddressHash } from '../privacy/core-data.ts';
import { take } from '../security/rate-limit.ts';
import { consumeToken, issueToken, LINK_REFUSED } from '../security/tokens.ts';
import type { Services } from '../services.ts';
import { appendConsent } from '../store/contacts.ts';
import type { Contact, Database } from '../store/schema.ts';
import type { Translator } from '../../i18n/translate.ts';
import { formKey, wordingHash, wordingLanguage, type FormDefinition } from './define-form.ts';
import type { FormOutcome } from './endpoint.ts';

/**
 * Double opt-in, once for every feature that asks for it (sign-ups, back-in-stock notices, care
 * reminders): the request mails a single-use link, the link opens a page whose button posts the
 * token, and the post makes the thing active and records the express consent it is (CASL).
 */

/** What the consent ledger records of the form a person agreed on: carried in the token until they confirm. */
export interface ConsentShown {
  form: string;
  wording: string;
  language: string;
  policy: string;
}

/** The consent a form shows in `say`'s language, as the ledger will record it. */
export const consentShown = (form: FormDefinition, say: Translator, s: Pick<Services, 'privacyVersion'>): ConsentShown => ({
  form: formKey(form),
  wording: wordingHash(form, say),
  language: wordingLanguage(form, say),
  policy: s.privacyVersion,
});

/** Records a consent given (or, with `action`, refused) on a form (the ledger is append-only). */
export const recordConsent = (
  trx: Kysely<Database>,
  s: Pick<Services, 'clock'>,
  contactId: string,
  purpose: string,
  consent: ConsentShown,
  source: string,
  action: 'granted' | 'withdrawn' = 'granted',
) =>
  appendConsent(
    trx,
    {
      contact_id: contactId,
      purpose,
      action,
      form_id: consent.form,
      wording_hash: consent.wording,
      language: consent.language,
      policy_version: consent.policy,
      source,
    },
    s.clock,
  );

/** The words of one confirmation mail, in the language it is sent in. */
export interface ConfirmationWords {
  subject: string;
  paragraphs: string[];
  action: string;
  after: string[];
  why: string;
}

/**
 * Mails a confirmation link for `payload`, inside the request's transaction: at most one per
 * address per window (`limitKey` names the feature's count), and none to an address that may not
 * be mailed (an erased one). Says nothing back, so the form answers the same whatever the address.
 */
export async function mailConfirmationLink(
  trx: Kysely<Database>,
  s: Services,
  request: {
    contact: Contact;
    /** The language to write in (the contact's, else the page's); the site's when absent. */
    language: string | null | undefined;
    limitKey: string;
    purpose: string;
    payload: object;
    /** The page the link opens (it carries `?token=`). */
    confirmPath: string;
    words: (say: Translator) => ConfirmationWords;
  },
): Promise<void> {
  const { contact } = request;
  if ((await take(s.limits.mailPerAddress, `${request.limitKey}:${contact.email}`, trx)) > 0) return;
  const permission = await mailPermission(trx, s, contact);
  if (permission === 'none') return;
  const hours = s.config.crm.signupExpiryHours;
  const token = await issueToken(trx, { purpose: request.purpose, contactId: contact.id, payload: request.payload, ttlMs: hours * 3_600_000 }, s.clock);
  const say = mailTranslator(s.config.site, { language: request.language });
  const words = request.words(say);
  await enqueueMail(
    trx,
    composeMail(
      {
        to: contact.email,
        subject: words.subject,
        greeting: greeting(permission, contact.name, say),
        paragraphs: words.paragraphs,
        action: { label: words.action, url: mailLink(s, say, request.confirmPath, { token }) },
        after: words.after,
        footer: mailFooter(s.config, words.why),
        accent: s.config.site.accentColor,
      },
      say,
    ),
    s.clock,
  );
}

/**
 * The handler of a confirmation button: uses the token once, lets the feature make its request
 * active, and sends the person to `confirmed`; a used, expired or unknown token is refused (400).
 * Someone erased who asks again and confirms from their mailbox has given new consent: the mark
 * that kept mail away from their address is lifted in the same transaction.
 */
export function confirmByLink<P>(options: {
  form: string;
  purpose: string;
  confirmed: string;
  activate(trx: Kysely<Database>, s: Services, contactId: string, payload: P): Promise<boolean>;
}): (data: { token: string }, s: Services) => Promise<FormOutcome> {
  return async (data, s) => {
    const done = await s.db.transaction().execute(async (trx) => {
      const token = await consumeToken(trx, data.token, options.purpose, s.clock);
      if (!token?.contactId) return false;
      if (!(await options.activate(trx, s, token.contactId, token.payload as P))) return false;
      const contact = await trx.selectFrom('contacts').select('email').where('id', '=', token.contactId).executeTakeFirstOrThrow();
      await trx.deleteFrom('erased_addresses').where('hash', '=', erasedAddressHash(s.secret, contact.email)).execute();
      return true;
    });
    if (!done) return refusedLink(options.form);
    return { kind: 'redirect', location: options.confirmed };
  };
}

/** A link that is not (or no longer) good: the form's page with the refusal, 400. */
export const refusedLink = (form: string): FormOutcome => ({ kind: 'invalid', state: { form, values: {}, errors: {}, message: LINK_REFUSED, status: 400 } });
