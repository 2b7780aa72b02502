import type { Services } from '../../core/services.ts';
import type { Kysely } from 'kysely';
import { siteLink } from '../../core/forms/endpoint.ts';
import { mailLink } from '../../core/mail/mail-language.ts';
import { issueToken } from '../../core/security/tokens.ts';
import type { Database } from '../../core/store/schema.ts';
import type { Translator } from '../../i18n/translate.ts';

export const SIGN_IN = 'sign-in';
export const SIGN_IN_TTL_MS = 60 * 60_000;

/**
 * A one-time sign-in link for a contact with an account, valid for an hour. With `inLanguage` (a
 * mail written in that language), to the sign-in page in it; else to the default one (staff, the CLI).
 * `next`: the page of this site the customer goes back to once signed in.
 */
export async function signInLink(
  db: Kysely<Database>,
  s: Pick<Services, 'site' | 'clock'>,
  contactId: string,
  inLanguage?: { services: Pick<Services, 'site' | 'config'>; say: Translator },
  next?: string,
): Promise<string> {
  const token = await issueToken(db, { purpose: SIGN_IN, contactId, ttlMs: SIGN_IN_TTL_MS, payload: next ? { next } : undefined }, s.clock);
  return inLanguage ? mailLink(inLanguage.services, inLanguage.say, '/account/sign-in/confirm', { token }) : siteLink(s, '/account/sign-in/confirm', { token });
}
