import { stringifySetCookie } from 'cookie';
import type { Kysely } from 'kysely';
import { localizedPath, type SiteLocales } from '../../../config/locales.ts';
import { mailLink } from '../../../core/mail/mail-language.ts';
import type { CookieUse } from '../../../core/privacy/declaration.ts';
import type { Services } from '../../../core/services.ts';
import { issueToken, peekToken } from '../../../core/security/tokens.ts';
import type { Clock } from '../../../core/store/contacts.ts';
import type { Database } from '../../../core/store/schema.ts';
import { fieldMessage, type Translator } from '../../../i18n/translate.ts';

/** The mailed link: opens the person's data once, within a day. */
export const PRIVACY_REQUEST = 'privacy-request';
export const PRIVACY_REQUEST_TTL_MS = 24 * 60 * 60_000;
/** What the link leaves in the browser: an hour to download or delete, on the privacy pages only (`/privacy/`, `/fr/privacy/`). */
export const PRIVACY_SESSION = 'privacy-session';
export const PRIVACY_SESSION_TTL_MS = 60 * 60_000;
export const PRIVACY_COOKIE = 'rapport_privacy';
const PRIVACY_PATH = '/privacy';

/** The page the mailed link opens; its button (a POST) uses the token, so a mail scanner following the link uses nothing. */
export const MY_DATA_PATH = '/privacy/my-data';

/** The mailed link, to the page in the mail's language (`say`'s): `/fr/privacy/my-data?t=…` for a French request. */
export async function requestLink(db: Kysely<Database>, s: Pick<Services, 'site' | 'clock' | 'config'>, contactId: string, say: Translator): Promise<string> {
  const token = await issueToken(db, { purpose: PRIVACY_REQUEST, contactId, ttlMs: PRIVACY_REQUEST_TTL_MS }, s.clock);
  return mailLink(s, say, MY_DATA_PATH, { t: token });
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

/**
 * Where the cookie is sent: the privacy pages of each of the site's languages (`/privacy`,
 * `/fr/privacy`), the page's own first, so the hour goes on when the visitor switches language
 * and nothing else on the site ever receives it.
 */
export function privacyCookiePaths(site: SiteLocales, locale: string = site.locale): string[] {
  const others = site.locales.filter((code) => code !== locale);
  return [...new Set([locale, ...others].map((code) => localizedPath(site, code, PRIVACY_PATH)))];
}

/** The hour's cookie, one `Set-Cookie` per privacy path (see `privacyCookiePaths`). */
export const privacyCookie = (value: string, secure: boolean, site: SiteLocales, locale?: string) =>
  privacyCookiePaths(site, locale).map((path) =>
    stringifySetCookie({ name: PRIVACY_COOKIE, value, httpOnly: true, sameSite: 'lax', secure, path, maxAge: PRIVACY_SESSION_TTL_MS / 1000 }),
  );

/** Clears the cookie on every path it was set on. */
export const clearedPrivacyCookie = (secure: boolean, site: SiteLocales, locale?: string) =>
  privacyCookiePaths(site, locale).map((path) =>
    stringifySetCookie({ name: PRIVACY_COOKIE, value: '', httpOnly: true, sameSite: 'lax', secure, path, maxAge: 0 }),
  );

/** For the statement's cookie table. */
export const privacyCookieUse: CookieUse = {
  name: PRIVACY_COOKIE,
  why: fieldMessage('privacy.cookie.privacy-link.why'),
  lasts: fieldMessage('privacy.cookie.privacy-link.lasts', { minutes: PRIVACY_SESSION_TTL_MS / 60_000 }),
  necessary: true,
};
