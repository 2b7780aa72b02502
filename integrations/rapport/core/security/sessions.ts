import type { CookieUse } from '../privacy/declaration.ts';
import { randomBytes } from 'node:crypto';
import { stringifySetCookie } from 'cookie';
import type { Kysely } from 'kysely';
import { systemClock, type Clock } from '../store/contacts.ts';
import type { Database } from '../store/schema.ts';
import { isStaffRole } from './roles.ts';
import { hashToken } from './tokens.ts';
import { fieldMessage } from '../../i18n/translate.ts';

export const SESSION_COOKIE = 'rapport_session';
export const SESSION_DAYS = 30;

/** The session cookie, as every feature that signs people in declares it in the privacy statement. */
export const sessionCookieUse = (): CookieUse => ({
  name: SESSION_COOKIE,
  why: fieldMessage('privacy.cookie.session.why'),
  lasts: fieldMessage('privacy.cookie.session.lasts', { days: SESSION_DAYS }),
  necessary: true,
});

/** Starts a session for an account; returns the cookie value (only its hash is stored). */
export async function createSession(db: Kysely<Database>, accountId: string, clock: Clock = systemClock): Promise<string> {
  const value = randomBytes(32).toString('base64url');
  const now = clock();
  await db
    .insertInto('sessions')
    .values({
      id_hash: hashToken(value),
      account_id: accountId,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + SESSION_DAYS * 86_400_000).toISOString(),
    })
    .execute();
  return value;
}

/** The signed-in person behind a session cookie, or `undefined`. */
export async function sessionPerson(db: Kysely<Database>, value: string | undefined, clock: Clock = systemClock) {
  if (!value || !/^[A-Za-z0-9_-]{43}$/.test(value)) return undefined;
  return db
    .selectFrom('sessions')
    .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
    .innerJoin('contacts', 'contacts.id', 'accounts.contact_id')
    .select([
      'accounts.id as accountId',
      'accounts.role',
      'contacts.id as contactId',
      'contacts.name',
      'contacts.email',
      'contacts.organisation',
      'contacts.kind',
    ])
    .where('sessions.id_hash', '=', hashToken(value))
    .where('sessions.expires_at', '>', clock().toISOString())
    .executeTakeFirst();
}

/** Any staff role (customer service, editor, admin); what each may do is in `roles.ts`. */
export const isStaff = (role: string) => isStaffRole(role);

export type SessionPerson = NonNullable<Awaited<ReturnType<typeof sessionPerson>>>;

export async function endSession(db: Kysely<Database>, value: string | undefined): Promise<void> {
  if (value) await db.deleteFrom('sessions').where('id_hash', '=', hashToken(value)).execute();
}

/** `Set-Cookie` for a session: HttpOnly, SameSite=Lax, Secure when the request came over HTTPS. */
export function sessionCookie(value: string, secure: boolean): string {
  return stringifySetCookie({ name: SESSION_COOKIE, value, httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: SESSION_DAYS * 86_400 });
}

export function clearedSessionCookie(secure: boolean): string {
  return stringifySetCookie({ name: SESSION_COOKIE, value: '', httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: 0 });
}
