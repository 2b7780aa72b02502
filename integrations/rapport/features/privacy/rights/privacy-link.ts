import { stringifySetCookie } from 'cookie';
import type { Kysely } from 'kysely';
import { siteLink } from '../../../core/forms/endpoint.ts';
import type { CookieUse } from '../../../core/privacy/declaration.ts';
import type { Services } from '../../../core/services.ts';
import { issueToken, peekToken } from '../../../core/security/tokens.ts';
import type { Clock } from '../../../core/store/contacts.ts';
import type { Database } from '../../../core/store/schema.ts';
import { fieldMessage } from '../../../i18n/translate.ts';

/** The mailed link: opens the person's data once, within a day. */
export const PRIVACY_REQUEST = 'privacy-request';
export const PRIVACY_REQUEST_TTL_MS = 24 * 60 * 60_000;
/** What the link leaves in the browser: an hour to download or delete, on `/privacy/` only. */
export const PRIVACY_SESSION = 'privacy-session';
export const PRIVACY_SESSION_TTL_MS = 60 * 60_000;
export const PRIVACY_COOKIE = 'rapport_privacy';
const COOKIE_PATH = '/privacy';

/** The page the mailed link opens; its button (a POST) uses the token, so a mail scanner following the link uses nothing. */
export const MY_DATA_PATH = '/privacy/my-data';

export async function requestLink(db: Kysely<Database>, s: Pick<Services, 'site' | 'clock'>, contactId: string): Promise<string> {
  const token = await issueToken(db, { purpose: PRIVACY_REQUEST, contactId, ttlMs: PRIVACY_REQUEST_TTL_MS }, s.clock);
  return siteLink(s, MY_DATA_PATH, { t: token });
}

/** Starts the hour a used link gives: a fresh token (only its hash is stored) for the cookie. */
export const startPrivacySession = (db: Kysely<Database>, contactId: string, clock: Clock) =>
  issueToken(db, { purpose: PRIVACY_SESSION, contactId, ttlMs: PRIVACY_SESSION_TTL_MS }, clock);

/** The contact whose hour is running in this browser, or `undefined` (none, expired, or erased since). */
export async function privacySessionContact(db: Kysely<Database>, value: string | undefined, clock: Clock): Promise<string | undefined> {
  const token = value ? await peekToken(db, value, PRIVACY_SESSION, clock) : undefined;
  if (!token?.contactId) return undefined;
  const contact = await db.selectFrom('contacts').select('erased_at').where('id', '=', token.contactId).executeTakeFirst();
  return contact && !contact.erased_at ? token.contactId : undefined;
}

export const privacyCookie = (value: string, secure: boolean) =>
  stringifySetCookie({ name: PRIVACY_COOKIE, value, httpOnly: true, sameSite: 'lax', secure, path: COOKIE_PATH, maxAge: PRIVACY_SESSION_TTL_MS / 1000 });

export const clearedPrivacyCookie = (secure: boolean) =>
  stringifySetCookie({ name: PRIVACY_COOKIE, value: '', httpOnly: true, sameSite: 'lax', secure, path: COOKIE_PATH, maxAge: 0 });

/** For the statement's cookie table. */
export const privacyCookieUse: CookieUse = {
  name: PRIVACY_COOKIE,
  why: fieldMessage('privacy.cookie.privacy-link.why'),
  lasts: fieldMessage('privacy.cookie.privacy-link.lasts', { minutes: PRIVACY_SESSION_TTL_MS / 60_000 }),
  necessary: true,
};
