import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, MailOutboxTable, MailTemplatesTable } from '../store/schema.ts';
import { systemClock, type Clock } from '../store/contacts.ts';
import { recordDeliveryEvent } from './delivery-events.ts';
import { mergeHtml, mergeText } from './merge.ts';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  /** Extra headers, e.g. `List-Unsubscribe`. */
  headers?: Record<string, string> | undefined;
}

/**
 * What the outbox hands to nodemailer (or any transport with the same `sendMail`). `signal` aborts a
 * send that has run past its deadline (nodemailer's SMTP transports close the connection); a
 * transport that ignores it is still given up on at the deadline.
 */
export interface MailTransport {
  sendMail(message: {
    from: string;
    to: string;
    subject: string;
    text: string;
    html?: string;
    headers?: Record<string, string>;
    /** `<outbox id@sender's domain>`: a bounce or complaint that quotes it names the message. */
    messageId?: string;
    signal?: AbortSignal;
  }): Promise<unknown>;
}

/**
 * How long a worker's claim on a message lasts. It is far longer than the longest send can take:
 * each send is stopped at `sendTimeoutMs` (2 min, never more than half the lease), and the SMTP
 * transport gives up on a dead server much sooner (see `SMTP_TIMEOUTS` in transport.ts). So a slow
 * send is never taken over while it is still running; only a worker that died (or froze for minutes)
 * loses its claim.
 */
export const DEFAULT_LEASE_MS = 5 * 60_000;
/** The longest one send may take before it is stopped and retried. */
export const DEFAULT_SEND_TIMEOUT_MS = 2 * 60_000;
/** Messages in flight at once per worker round: one slow mail server reply does not hold up the rest. */
export const DEFAULT_CONCURRENCY = 4;

export interface OutboxOptions {
  /** Attempts before a message is marked failed (visible to staff). @default 8 */
  maxAttempts?: number;
  /** Delay before the first retry; doubles each time, up to an hour. @default 30 000 ms */
  baseDelayMs?: number;
  /**
   * How long a claim (`sending`) lasts; a message still `sending` after that is taken as
   * interrupted and sent again (or marked failed on its last attempt). Servers sharing one
   * database must have clocks in step to well within this. @default 300 000 ms (5 min)
   */
  leaseMs?: number;
  /** A send still running after this is stopped and retried; capped at half the lease. @default 120 000 ms */
  sendTimeoutMs?: number;
  /** Messages sent at once per round. @default 4 */
  concurrency?: number;
}

/**
 * Queues a message. Call it with the same transaction as the submission it belongs to: the mail
 * exists exactly when the submission does.
 */
export async function enqueueMail(db: Kysely<Database>, mail: OutgoingMail, clock: Clock = systemClock): Promise<string> {
  const id = randomUUID();
  const now = clock().toISOString();
  await db
    .insertInto('mail_outbox')
    .values({
      id,
      to_address: mail.to,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html ?? null,
      headers: mail.headers ? JSON.stringify(mail.headers) : null,
      status: 'pending',
      next_attempt_at: now,
      last_error: null,
      created_at: now,
      sent_at: null,
    })
    .execute();
  return id;
}

/**
 * Queues one message merged from a stored template (`mail_templates`, see `merge.ts`): the row
 * holds the recipient, the subject and the values that differ, not another copy of the body.
 */
export async function enqueueMerged(
  db: Kysely<Database>,
  mail: { to: string; subject: string; templateId: string; vars: Record<string, string> },
  clock: Clock = systemClock,
): Promise<string> {
  const id = randomUUID();
  const now = clock().toISOString();
  await db
    .insertInto('mail_outbox')
    .values({
      id,
      to_address: mail.to,
      subject: mail.subject,
      text_body: '',
      html_body: null,
      headers: null,
      template_id: mail.templateId,
      vars: JSON.stringify(mail.vars),
      status: 'pending',
      next_attempt_at: now,
      last_error: null,
      created_at: now,
      sent_at: null,
    })
    .execute();
  return id;
}

export interface DeliveryReport {
  sent: number;
  retrying: number;
  failed: number;
  /** Messages refused for good by the receiving server (the address is suppressed). */
  refused: number;
  /** The round took as many messages as it may: more are probably due now. */
  full: boolean;
}

/** The domain of the sender's address, for Message-IDs. */
const senderDomain = (from: string) => /@([^\s>]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';

/**
 * Whether the receiving server refused the recipient for good (5xx to RCPT TO): the address does
 * not exist or will never take mail. A 5xx to anything else (authentication, the message itself)
 * says nothing about the address and is retried like any failure.
 */
function refusedRecipient(error: unknown): string | undefined {
  const e = error as { code?: string; command?: string; responseCode?: number; response?: string };
  if (e && e.code === 'EENVELOPE' && e.command === 'RCPT TO' && typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600)
    return e.response ?? `${e.responseCode}`;
  return undefined;
}

/** The message an outbox row stands for: its own bodies, or its template's merged with its values. */
function messageOf(row: Selectable<MailOutboxTable>, template: Selectable<MailTemplatesTable> | undefined) {
  if (!row.template_id) {
    return {
      subject: row.subject,
      text: row.text_body,
      ...(row.html_body ? { html: row.html_body } : {}),
      ...(row.headers ? { headers: JSON.parse(row.headers) as Record<string, string> } : {}),
    };
  }
  if (!template) throw new Error(`The message's template ${row.template_id} is missing.`);
  const vars = JSON.parse(row.vars ?? '{}') as Record<string, string>;
  const headers = template.headers ? (JSON.parse(template.headers) as Record<string, string>) : undefined;
  return {
    subject: row.subject,
    text: mergeText(template.text_body, vars),
    ...(template.html_body ? { html: mergeHtml(template.html_body, vars) } : {}),
    ...(headers ? { headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, mergeText(v, vars)])) } : {}),
  };
}

type Due = { id: string; status: 'pending' | 'sending' | 'sent' | 'failed'; attempts: number; next_attempt_at: string };

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 1000);

/**
 * Sends the messages that are due, a few at a time (`concurrency`).
 *
 * Claims: a message is claimed with a conditional update (`pending` → `sending`) on the exact row
 * version the worker read, so two workers, on one server or several sharing a database, never both
 * claim it. The claim is a lease: it sets `next_attempt_at` to the lease deadline (no extra column).
 * Each worker claims a message only just before sending it, so the lease runs from the start of
 * that one send, not from the start of the round.
 *
 * Crashes: a message whose worker died mid-send stays `sending` until its lease has passed; then
 * the next round claims it again like a pending one (or marks it `failed` if that was its last
 * attempt). Delivery is therefore **at least once**: if the process died after the mail server
 * accepted the message but before `sent` was recorded, the recipient gets it twice. Without a crash
 * (or a send stopped at its deadline after the server had the whole message) it is sent once.
 *
 * Outcomes are recorded only while the claim is still this worker's (same status and deadline), so
 * a worker that comes back after losing its lease never overwrites the new owner's record.
 *
 * Commits: the lanes' claims and outcomes are written through `sharedCommits`, so those asked for
 * at the same moment share one transaction (one disk sync) instead of one each. Each is still its
 * own conditional statement, written before the send it claims or as soon as the send it records
 * is over, so claims, leases and the window for a duplicate after a crash are what they were.
 */
export async function deliverDue(
  db: Kysely<Database>,
  transport: MailTransport,
  from: string,
  options: OutboxOptions & { clock?: Clock; limit?: number; privacyVersion?: string } = {},
): Promise<DeliveryReport> {
  const { clock = systemClock, limit = 50, maxAttempts = 8, baseDelayMs = 30_000, leaseMs = DEFAULT_LEASE_MS, concurrency = DEFAULT_CONCURRENCY } = options;
  if (!(leaseMs > 0)) throw new Error('The outbox lease (leaseMs) must be a positive number of milliseconds.');
  const sendTimeoutMs = Math.min(options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS, leaseMs / 2);
  const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0, refused: 0, full: false };
  const write = sharedCommits(db);
  const domain = senderDomain(from);
  // Templates are read once per round: a campaign's thousands of messages share a few.
  const templates = new Map<string, Promise<Selectable<MailTemplatesTable> | undefined>>();
  const templateOf = (id: string | null) => {
    if (!id) return Promise.resolve(undefined);
    if (!templates.has(id)) templates.set(id, db.selectFrom('mail_templates').selectAll().where('id', '=', id).executeTakeFirst());
    return templates.get(id)!;
  };
  // Pending messages that are due, and claims whose lease has passed (their worker is gone).
  const due: Due[] = await db
    .selectFrom('mail_outbox')
    .select(['id', 'status', 'attempts', 'next_attempt_at'])
    .where('status', 'in', ['pending', 'sending'])
    .where('next_attempt_at', '<=', clock().toISOString())
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  report.full = due.length >= limit;

  const deliverOne = async (row: Due) => {
    if (row.status === 'sending' && row.attempts >= maxAttempts) {
      const gaveUp = await write((trx) =>
        trx
          .updateTable('mail_outbox')
          .set({
            status: 'failed',
            last_error: `Attempt ${row.attempts} of ${maxAttempts} was interrupted before its outcome was recorded (the server stopped mid-send?); it may or may not have arrived.`,
          })
          .where('id', '=', row.id)
          .where('status', '=', 'sending')
          .where('next_attempt_at', '=', row.next_attempt_at)
          .executeTakeFirst(),
      );
      if (gaveUp.numUpdatedRows > 0n) report.failed++;
      return;
    }
    const deadline = new Date(clock().getTime() + leaseMs).toISOString();
    const claimed = await write((trx) =>
      trx
        .updateTable('mail_outbox')
        .set((eb) => ({
          status: 'sending',
          attempts: eb('attempts', '+', 1),
          next_attempt_at: deadline,
          ...(row.status === 'sending'
            ? {
                last_error: `Attempt ${row.attempts} was interrupted before its outcome was recorded (the server stopped mid-send?); sending again, so it may arrive twice.`,
              }
            : {}),
        }))
        .where('id', '=', row.id)
        .where('status', '=', row.status)
        .where('next_attempt_at', '=', row.next_attempt_at)
        .returningAll()
        .executeTakeFirst(),
    );
    if (!claimed) return; // another worker has it
    try {
      const message = messageOf(claimed, await templateOf(claimed.template_id));
      await sendWithin(transport, { from, to: claimed.to_address, messageId: `<${claimed.id}@${domain}>`, ...message }, sendTimeoutMs);
      await write((trx) =>
        trx
          .updateTable('mail_outbox')
          .set({ status: 'sent', sent_at: clock().toISOString(), last_error: null })
          .where('id', '=', claimed.id)
          .where('status', '=', 'sending')
          .where('next_attempt_at', '=', deadline)
          .execute(),
      );
      report.sent++;
    } catch (error) {
      const refusal = refusedRecipient(error);
      if (refusal) {
        // Retrying cannot help, and mailing the address again harms the sender's reputation.
        await write(async (trx) => {
          const marked = await trx
            .updateTable('mail_outbox')
            .set({ status: 'failed', last_error: `Refused by the receiving server: ${refusal}`.slice(0, 1000) })
            .where('id', '=', claimed.id)
            .where('status', '=', 'sending')
            .where('next_attempt_at', '=', deadline)
            .executeTakeFirst();
          if (marked.numUpdatedRows === 0n) return;
          await recordDeliveryEvent(
            trx,
            { email: claimed.to_address, kind: 'hard-bounce', source: 'smtp', outboxId: claimed.id, detail: refusal },
            { clock, ...(options.privacyVersion ? { privacyVersion: options.privacyVersion } : {}) },
          );
        });
        report.refused++;
        return;
      }
      const giveUp = claimed.attempts >= maxAttempts;
      const delay = Math.min(baseDelayMs * 2 ** (claimed.attempts - 1), 3_600_000);
      await write((trx) =>
        trx
          .updateTable('mail_outbox')
          .set({ status: giveUp ? 'failed' : 'pending', next_attempt_at: new Date(clock().getTime() + delay).toISOString(), last_error: errorText(error) })
          .where('id', '=', claimed.id)
          .where('status', '=', 'sending')
          .where('next_attempt_at', '=', deadline)
          .execute(),
      );
      report[giveUp ? 'failed' : 'retrying']++;
    }
  };

  // A few lanes take the due messages in order; each claims its next one only when it is free.
  let next = 0;
  const lane = async () => {
    while (next < due.length) await deliverOne(due[next++]!);
  };
  const lanes = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(Math.floor(concurrency), due.length)) }, lane));
  // A store error ends its lane; the round reports it only once every lane has stopped, so the
  // worker's next round never overlaps this one.
  const failure = lanes.find((l) => l.status === 'rejected');
  if (failure) throw failure.reason;
  return report;
}

/**
 * Group commit: every write asked for before the event loop's next turn runs in one transaction,
 * each statement on its own and its result handed back to its caller. On SQLite (a full sync on
 * every commit) this turns one disk sync per claim and per outcome into one per handful of them.
 * If the transaction fails, every write in it fails with the same error and none is kept: a claim
 * then never happened, and a send whose `sent` was lost is sent again after its lease, as after a
 * crash.
 */
function sharedCommits(db: Kysely<Database>) {
  type Write = { run: (trx: Kysely<Database>) => Promise<unknown>; resolve: (value: unknown) => void; reject: (error: unknown) => void };
  let queue: Write[] = [];
  let scheduled = false;
  const flush = async () => {
    scheduled = false;
    const writes = queue;
    queue = [];
    try {
      const results = await db.transaction().execute(async (trx) => {
        const out: unknown[] = [];
        for (const w of writes) out.push(await w.run(trx));
        return out;
      });
      writes.forEach((w, i) => w.resolve(results[i]));
    } catch (error) {
      for (const w of writes) w.reject(error);
    }
  };
  return <T>(run: (trx: Kysely<Database>) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => void flush());
      }
    });
}

/** One send, stopped at `timeoutMs`: the transport gets an abort signal, and is not waited for past it. */
async function sendWithin(transport: MailTransport, message: Parameters<MailTransport['sendMail']>[0], timeoutMs: number): Promise<void> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`Sending took longer than ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`} and was stopped.`);
      reject(error);
      controller.abort(error);
    }, timeoutMs);
  });
  try {
    await Promise.race([transport.sendMail({ ...message, signal: controller.signal }), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
