import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/** The outbox names each message `<outbox-row-id@sender-domain>`; the id is a UUID. */
const OUR_MESSAGE_ID = /^<?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@[^\s<>@]+>?$/i;

/**
 * The outbox message a report is about, from the Message-ID it quotes: only when that id is one
 * of ours, the row exists and it was addressed to the reported address (a report about someone
 * else's message, or a forged id, names no message of ours).
 */
export async function outboxIdOf(db: Kysely<Database>, messageId: string | undefined, email: string): Promise<string | undefined> {
  const id = messageId ? OUR_MESSAGE_ID.exec(messageId.trim())?.[1]?.toLowerCase() : undefined;
  if (!id) return undefined;
  const row = await db.selectFrom('mail_outbox').select(['id', 'to_address']).where('id', '=', id).executeTakeFirst();
  return row && row.to_address.trim().toLowerCase() === email.trim().toLowerCase() ? row.id : undefined;
}
