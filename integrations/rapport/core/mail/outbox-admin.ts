import type { Kysely } from 'kysely';
import type { Database, MailOutboxTable } from '../store/schema.ts';
import { systemClock, type Clock } from '../store/contacts.ts';

// What staff see of the outbox and what they may do to it: `npx rapport mail list|retry` and the
// counts on /admin/status both come from here.

export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const satisfies readonly MailOutboxTable['status'][];
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];
/** What needs attention, most urgent first: the default of `mail list`. */
export const ATTENTION_STATUSES: readonly OutboxStatus[] = ['failed', 'sending', 'pending'];

export interface OutboxEntry {
  id: string;
  to: string;
  subject: string;
  status: OutboxStatus;
  attempts: number;
  /**
   * `pending`: when it is tried next. `sending`: when the claim (lease) runs out; past that, its
   * worker is gone and the next round sends it again. `failed`/`sent`: not meaningful.
   */
  nextAttemptAt: string;
  /** A `sending` message whose lease has passed: interrupted, waiting for the next round (or for retry). */
  interrupted: boolean;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface OutboxCounts {
  pending: number;
  sending: number;
  failed: number;
}

/**
 * Messages in the given statuses (default: failed, sending, pending), most urgent first, oldest
 * first within a status (`newestFirst`: newest first, as a list of sent mail is read). `offset`
 * skips that many of the whole list, for a paged view.
 */
export async function listOutbox(
  db: Kysely<Database>,
  options: { statuses?: readonly OutboxStatus[]; limit?: number; offset?: number; newestFirst?: boolean; clock?: Clock } = {},
): Promise<{ entries: OutboxEntry[]; total: number }> {
  const { statuses = ATTENTION_STATUSES, limit = 100, offset = 0, newestFirst = false, clock = systemClock } = options;
  if (statuses.length === 0) return { entries: [], total: 0 };
  const now = clock().toISOString();
  // Counted per status, so an offset can skip whole statuses without reading their rows.
  const counted = await db
    .selectFrom('mail_outbox')
    .select((eb) => ['status', eb.fn.countAll<number | string | bigint>().as('n')])
    .where('status', 'in', [...statuses])
    .groupBy('status')
    .execute();
  const count = new Map(counted.map((r) => [r.status, Number(r.n)]));
  const total = [...count.values()].reduce((a, b) => a + b, 0);
  const direction = newestFirst ? 'desc' : 'asc';
  const rows = [];
  let skip = Number.isFinite(offset) && offset > 0 ? Math.floor(offset) : 0;
  for (const status of statuses) {
    if (rows.length >= limit) break;
    const here = count.get(status) ?? 0;
    if (skip >= here) {
      skip -= here;
      continue;
    }
    rows.push(
      ...(await db
        .selectFrom('mail_outbox')
        .select(['id', 'to_address', 'subject', 'status', 'attempts', 'next_attempt_at', 'last_error', 'created_at', 'sent_at'])
        .where('status', '=', status)
        .orderBy('created_at', direction)
        .orderBy('id', direction)
        .limit(limit - rows.length)
        .offset(skip)
        .execute()),
    );
    skip = 0;
  }
  return {
    total,
    entries: rows.map((r) => ({
      id: r.id,
      to: r.to_address,
      subject: r.subject,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      interrupted: r.status === 'sending' && r.next_attempt_at <= now,
      lastError: r.last_error,
      createdAt: r.created_at,
      sentAt: r.sent_at,
    })),
  };
}

/** How many messages wait, are being sent, and have failed (for /admin/status). */
export async function outboxCounts(db: Kysely<Database>): Promise<OutboxCounts> {
  const rows = await db
    .selectFrom('mail_outbox')
    .select((eb) => ['status', eb.fn.countAll<number | string | bigint>().as('n')])
    .where('status', 'in', ['pending', 'sending', 'failed'])
    .groupBy('status')
    .execute();
  const counts: OutboxCounts = { pending: 0, sending: 0, failed: 0 };
  for (const r of rows) counts[r.status as keyof OutboxCounts] = Number(r.n);
  return counts;
}

export type RetryResult =
  | { outcome: 'queued'; id: string; was: 'failed' | 'sending' | 'pending' }
  | { outcome: 'not-found' }
  | { outcome: 'ambiguous'; ids: string[] }
  | { outcome: 'already-sent'; id: string; sentAt: string | null }
  | { outcome: 'in-flight'; id: string; leaseUntil: string };

/**
 * Puts a message back in the queue, due now, with its attempts reset to 0 (a full set of retries
 * with back-off from the start: staff retry once they have fixed the cause, such as the SMTP
 * settings or the address). Its last error is kept until the next attempt replaces it.
 *
 * Allowed for a `failed` message, a `sending` one whose lease has passed (its worker is gone), and a
 * `pending` one (brought forward from its back-off). Refused for a `sent` message and for one being
 * sent right now. The update is conditional, so it cannot race a worker's claim. `id` may be the
 * full id or a unique prefix of at least 6 characters, as `mail list` shows them.
 */
export async function retryMail(db: Kysely<Database>, id: string, clock: Clock = systemClock): Promise<RetryResult> {
  const wanted = id.trim().toLowerCase();
  if (!/^[0-9a-f-]{6,36}$/.test(wanted)) return { outcome: 'not-found' };
  const matches = await db
    .selectFrom('mail_outbox')
    .select(['id', 'status', 'next_attempt_at', 'sent_at'])
    .where((eb) => (wanted.length === 36 ? eb('id', '=', wanted) : eb('id', 'like', `${wanted}%`)))
    .limit(5)
    .execute();
  if (matches.length === 0) return { outcome: 'not-found' };
  if (matches.length > 1) return { outcome: 'ambiguous', ids: matches.map((m) => m.id) };
  const row = matches[0]!;
  if (row.status === 'sent') return { outcome: 'already-sent', id: row.id, sentAt: row.sent_at };
  const now = clock().toISOString();
  const updated = await db
    .updateTable('mail_outbox')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now })
    .where('id', '=', row.id)
    .where((eb) => eb.or([eb('status', 'in', ['failed', 'pending']), eb.and([eb('status', '=', 'sending'), eb('next_attempt_at', '<=', now)])]))
    .executeTakeFirst();
  if (updated.numUpdatedRows > 0n) return { outcome: 'queued', id: row.id, was: row.status };
  // It changed under us: a worker claimed it (or sent it) in the meantime.
  const current = await db.selectFrom('mail_outbox').select(['status', 'next_attempt_at', 'sent_at']).where('id', '=', row.id).executeTakeFirstOrThrow();
  return current.status === 'sent'
    ? { outcome: 'already-sent', id: row.id, sentAt: current.sent_at }
    : { outcome: 'in-flight', id: row.id, leaseUntil: current.next_attempt_at };
}
