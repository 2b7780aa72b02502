import type { Services } from '../../core/services.ts';
import type { Kysely } from 'kysely';
import { mailLink } from '../../core/mail/mail-language.ts';
import { DEFAULT_TRANSLATOR, type Translator } from '../../i18n/translate.ts';
import { issueTokens } from '../../core/security/tokens.ts';
import type { Database } from '../../core/store/schema.ts';

export const UNSUBSCRIBE = 'unsubscribe';
export const PREFERENCES = 'preferences';
/** Unsubscribe links must keep working long after the message was sent. */
const LIST_LINK_TTL_MS = 400 * 86_400_000;

/**
 * The links every list message carries: one-click unsubscribe (also the `List-Unsubscribe`
 * header) and a preferences page. Each is a single-use token made for this message; the pages
 * they open are in the message's language (`say`).
 */
export async function listMailLinks(
  db: Kysely<Database>,
  s: Pick<Services, 'site' | 'clock' | 'config'>,
  contactId: string,
  list: string,
  say: Translator = DEFAULT_TRANSLATOR,
) {
  const [links] = await listMailLinksFor(db, s, [{ contactId, list }], say);
  return links!;
}

/** The same links for many readers at once (a campaign's batch): their tokens written together. */
export async function listMailLinksFor(
  db: Kysely<Database>,
  s: Pick<Services, 'site' | 'clock' | 'config'>,
  /** Each reader, with the language their message is in when it is not `say`'s (a campaign's readers each in theirs). */
  readers: ReadonlyArray<{ contactId: string; list: string; say?: Translator | undefined }>,
  say: Translator = DEFAULT_TRANSLATOR,
) {
  const tokens = await issueTokens(
    db,
    readers.flatMap(({ contactId, list }) => [
      { purpose: UNSUBSCRIBE, contactId, payload: { list }, ttlMs: LIST_LINK_TTL_MS },
      { purpose: PREFERENCES, contactId, ttlMs: LIST_LINK_TTL_MS },
    ]),
    s.clock,
  );
  return readers.map((reader, i) => ({
    unsubscribe: mailLink(s, reader.say ?? say, '/unsubscribe', { token: tokens[2 * i]! }),
    preferences: mailLink(s, reader.say ?? say, '/subscribe/preferences', { token: tokens[2 * i + 1]! }),
  }));
}
