import type { Services } from '../../core/services.ts';
import type { Kysely } from 'kysely';
import { siteLink } from '../../core/forms/endpoint.ts';
import { issueToken } from '../../core/security/tokens.ts';
import type { Database } from '../../core/store/schema.ts';

export const UNSUBSCRIBE = 'unsubscribe';
export const PREFERENCES = 'preferences';
/** Unsubscribe links must keep working long after the message was sent. */
const LIST_LINK_TTL_MS = 400 * 86_400_000;

/**
 * The links every list message carries: one-click unsubscribe (also the `List-Unsubscribe`
 * header) and a preferences page. Each is a single-use token made for this message.
 */
export async function listMailLinks(db: Kysely<Database>, s: Pick<Services, 'site' | 'clock'>, contactId: string, list: string) {
  const unsubscribe = await issueToken(db, { purpose: UNSUBSCRIBE, contactId, payload: { list }, ttlMs: LIST_LINK_TTL_MS }, s.clock);
  const preferences = await issueToken(db, { purpose: PREFERENCES, contactId, ttlMs: LIST_LINK_TTL_MS }, s.clock);
  return {
    unsubscribe: siteLink(s, '/unsubscribe', { token: unsubscribe }),
    preferences: siteLink(s, '/subscribe/preferences', { token: preferences }),
  };
}
