import type { Services } from '../../core/services.ts';
import type { Kysely } from 'kysely';
import { siteLink } from '../../core/forms/endpoint.ts';
import { issueTokens } from '../../core/security/tokens.ts';
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
  const [links] = await listMailLinksFor(db, s, [{ contactId, list }]);
  return links!;
}

/** The same links for many readers at once (a campaign's batch): their tokens written together. */
export async function listMailLinksFor(db: Kysely<Database>, s: Pick<Services, 'site' | 'clock'>, readers: ReadonlyArray<{ contactId: string; list: string }>) {
  const tokens = await issueTokens(
    db,
    readers.flatMap(({ contactId, list }) => [
      { purpose: UNSUBSCRIBE, contactId, payload: { list }, ttlMs: LIST_LINK_TTL_MS },
      { purpose: PREFERENCES, contactId, ttlMs: LIST_LINK_TTL_MS },
    ]),
    s.clock,
  );
  return readers.map((_, i) => ({
    unsubscribe: siteLink(s, '/unsubscribe', { token: tokens[2 * i]! }),
    preferences: siteLink(s, '/subscribe/preferences', { token: tokens[2 * i + 1]! }),
  }));
}
