import type { Services } from '../../core/services.ts';
import type { Kysely } from 'kysely';
import { siteLink } from '../../core/forms/endpoint.ts';
import { issueToken } from '../../core/security/tokens.ts';
import type { Database } from '../../core/store/schema.ts';

export const SIGN_IN = 'sign-in';
export const SIGN_IN_TTL_MS = 60 * 60_000;

/** A one-time sign-in link for a contact with an account, valid for an hour. */
export async function signInLink(db: Kysely<Database>, s: Pick<Services, 'site' | 'clock'>, contactId: string): Promise<string> {
  const token = await issueToken(db, { purpose: SIGN_IN, contactId, ttlMs: SIGN_IN_TTL_MS }, s.clock);
  return siteLink(s, '/account/sign-in/confirm', { token });
}
