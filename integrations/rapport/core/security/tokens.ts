import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { systemClock, type Clock } from '../store/contacts.ts';
import type { Database } from '../store/schema.ts';
import { fieldMessage } from '../../i18n/translate.ts';

/** The shape of every token issued here; anything else is refused without a database query. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** SHA-256 of a token, as stored. The token itself never reaches the database. */
/** The one answer for unknown, used, expired and mistyped links: nothing to learn from it. */
// A catalogue text: a page or form in another language says it in that language (`Translator.text`).
export const LINK_REFUSED = fieldMessage('link.refused');

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** What one token is for. */
export interface TokenRequest {
  purpose: string;
  contactId: string | null;
  payload?: unknown;
  ttlMs: number;
}

/**
 * Issues a single-purpose token: 256 random bits, base64url (43 characters), valid for `ttlMs`.
 * Only its hash is stored.
 */
export async function issueToken(db: Kysely<Database>, input: TokenRequest, clock: Clock = systemClock): Promise<string> {
  const [token] = await issueTokens(db, [input], clock);
  return token!;
}

/** Issues many tokens with one statement per 500 (a campaign's links); the tokens in request order. */
export async function issueTokens(db: Kysely<Database>, inputs: readonly TokenRequest[], clock: Clock = systemClock): Promise<string[]> {
  const now = clock();
  const tokens = inputs.map(() => randomBytes(32).toString('base64url'));
  const rows = inputs.map((input, i) => ({
    hash: hashToken(tokens[i]!),
    purpose: input.purpose,
    contact_id: input.contactId,
    payload: input.payload === undefined ? null : JSON.stringify(input.payload),
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + input.ttlMs).toISOString(),
    used_at: null,
  }));
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('tokens')
      .values(rows.slice(i, i + 500))
      .execute();
  return tokens;
}

export interface ValidToken {
  contactId: string | null;
  payload: unknown;
}

/**
 * Uses a token once. Unknown, replayed, expired and other-purpose tokens all give `undefined`,
 * so a caller answers them all alike. The check-and-mark is one conditional UPDATE: of two
 * servers racing with the same token, one wins. Tokens are looked up by their hash; comparing
 * the secret itself never happens, so there is no timing to learn from.
 */
export async function consumeToken(db: Kysely<Database>, token: string, purpose: string, clock: Clock = systemClock): Promise<ValidToken | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const now = clock().toISOString();
  const row = await db
    .updateTable('tokens')
    .set({ used_at: now })
    .where('hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['contact_id', 'payload'])
    .executeTakeFirst();
  // Tokens travel only by mail: using one shows the address is its owner's.
  if (row?.contact_id)
    await db.updateTable('contacts').set({ email_confirmed_at: now }).where('id', '=', row.contact_id).where('email_confirmed_at', 'is', null).execute();
  return row && { contactId: row.contact_id, payload: row.payload === null ? undefined : JSON.parse(row.payload) };
}

/** Whether a token would be accepted now, without using it: for the page whose button POSTs it. */
export async function tokenIsValid(db: Kysely<Database>, token: string, purpose: string, clock: Clock = systemClock): Promise<boolean> {
  return (await peekToken(db, token, purpose, clock)) !== undefined;
}

/** The contact a token belongs to, if it would be accepted now, without using it (for the page a link opens). */
export async function peekToken(db: Kysely<Database>, token: string, purpose: string, clock: Clock = systemClock): Promise<ValidToken | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const row = await db
    .selectFrom('tokens')
    .select(['contact_id', 'payload'])
    .where('hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', clock().toISOString())
    .executeTakeFirst();
  return row && { contactId: row.contact_id, payload: row.payload === null ? undefined : JSON.parse(row.payload) };
}
