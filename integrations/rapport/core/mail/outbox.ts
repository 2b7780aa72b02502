import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely, Selectable } from 'kysely';
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

/** An outbox row as queued: due now, never tried. */
function pendingRow(
  id: string,
  now: string,
  mail: Pick<Insertable<MailOutboxTable>, 'to_address' | 'subject' | 'text_body' | 'html_body' | 'headers' | 'template_id' | 'vars'>,
) {
  return { id, ...mail, status: 'pending' as const, next_attempt_at: now, last_error: null, created_at: now, sent_at: null };
}

/**
 * Queues a message. Call it with the same transaction as the submission it belongs to: the mail
 * exists exactly when the submission does.
 */
export async function enqueueMail(db: Kysely<Database>, mail: OutgoingMail, clock: Clock = systemClock): Promise<string> {
  const [id] = await enqueueMails(db, [mail], clock);
  return id!;
}

/** Queues several messages in one statement (a submission that mails the visitor and the staff). */
export async function enqueueMails(db: Kysely<Database>, mails: OutgoingMail[], clock: Clock = systemClock): Promise<string[]> {
  if (mails.length === 0) return [];
  const now = clock().toISOString();
  const rows = mails.map((mail) =>
    pendingRow(randomUUID(), now, {
      to_address: mail.to,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html ?? null,
      headers: mail.headers ? JSON.stringify(mail.headers) : null,
    }),
  );
  await db.insertInto('mail_outbox').values(rows).execute();
  return rows.map((row) => row.id);
}

/** A message to merge from a stored template (`mail_templates`, see `merge.ts`). */
export interface MergedMail {
  to: string;
  subject: string;
  templateId: string;
  vars: Record<string, string>;
}

/**
 * Queues one message merged from a stored template: the row holds the recipient, the subject and
 * the values that differ, not another copy of the body.
 */
export async function enqueueMerged(db: Kysely<Database>, mail: MergedMail, clock: Clock = systemClock): Promise<string> {
  const [id] = await enqueueMergedMany(db, [mail], clock);
  return id!;
}

/** Queues many merged messages with one statement per 200 (a campaign's batch); their ids in order. */
export async function enqueueMergedMany(db: Kysely<Database>, mails: readonly MergedMail[], clock: Clock = systemClock): Promise<string[]> {
  const now = clock().toISOString();
  const rows = mails.map((mail) =>
    pendingRow(randomUUID(), now, {
      to_address: mail.to,
      subject: mail.subject,
      text_body: '',
      html_body: null,
      headers: null,
      template_id: mail.templateId,
      vars: JSON.stringify(mail.vars),
    }),
  );
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('mail_outbox')
      .values(rows.slice(i, i + 200))
      .execute();
  return rows.map((r) => r.id);
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
 * Claims: messages are claimed with a conditional update (`pending` → `sending`, only while still
 * due), so two workers, on one server or several sharing a database, never both claim one. The
 * claim is a lease: it sets `next_attempt_at` to the lease deadline (no extra column). A worker
 * claims a small slice (four messages per lane) just before sending it, and sends a message only
 * while its lease still has a whole send's time left (`sendTimeoutMs`, at most half the lease);
 * one that waited longer is released untried.
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
 * Commits: messages are claimed a slice at a time in one statement, and outcomes are written
 * through `sharedCommits`, so those finished within a few milliseconds share one transaction (one
 * disk sync) instead of one each. Each outcome is its own conditional statement, written as soon
 * as its send is over (or a few milliseconds later), so the window for a duplicate after a crash
 * stays that short.
 */
export async function deliverDue(
  db: Kysely<Database>,
  transport: MailTransport,
  from: string,
  options: OutboxOptions & { clock?: Clock; limit?: number; privacyVersion?: string } = {},
): Promise<DeliveryReport> {
  const { clock = systemClock, maxAttempts = 8, baseDelayMs = 30_000, leaseMs = DEFAULT_LEASE_MS, concurrency = DEFAULT_CONCURRENCY } = options;
  // Enough per round that the lanes rarely wait for the next round's read.
  const limit = options.limit ?? Math.max(50, concurrency * 10);
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

  type Claimed = Selectable<MailOutboxTable>;
  /** Outcomes on their way to the store; the round ends when they are written. */
  const recording: Promise<void>[] = [];
  /** Attempt `row.attempts` of a message whose worker died mid-send was its last: failed. */
  const giveUpInterrupted = async (row: Due) => {
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
  };

  /**
   * Claims a slice of the due messages for this worker: `pending` → `sending` with the lease's
   * deadline, in one statement (a claim per message would cost a commit per message). Only rows
   * still due are taken, so a row another worker claimed meanwhile (its deadline is in the
   * future) is left alone. A claim whose worker died is taken over one by one, saying so.
   */
  const claim = async (rows: Due[]): Promise<{ deadline: string; claimed: Claimed[] }> => {
    const now = clock();
    const deadline = new Date(now.getTime() + leaseMs).toISOString();
    const fresh = rows.filter((r) => r.status === 'pending').map((r) => r.id);
    const claimed: Claimed[] = fresh.length
      ? await write((trx) =>
          trx
            .updateTable('mail_outbox')
            .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), next_attempt_at: deadline }))
            .where('id', 'in', fresh)
            .where('status', '=', 'pending')
            .where('next_attempt_at', '<=', now.toISOString())
            .returningAll()
            .execute(),
        )
      : [];
    for (const row of rows.filter((r) => r.status === 'sending')) {
      const taken = await write((trx) =>
        trx
          .updateTable('mail_outbox')
          .set((eb) => ({
            status: 'sending',
            attempts: eb('attempts', '+', 1),
            next_attempt_at: deadline,
            last_error: `Attempt ${row.attempts} was interrupted before its outcome was recorded (the server stopped mid-send?); sending again, so it may arrive twice.`,
          }))
          .where('id', '=', row.id)
          .where('status', '=', 'sending')
          .where('next_attempt_at', '=', row.next_attempt_at)
          .returningAll()
          .executeTakeFirst(),
      );
      if (taken) claimed.push(taken);
    }
    // In the order they were due.
    const order = new Map(rows.map((r, i) => [r.id, i]));
    claimed.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    return { deadline, claimed };
  };

  /** A claimed message not started in time (slow sends ahead of it) goes back, untried, for the next round. */
  const release = (row: Claimed, deadline: string) =>
    write((trx) =>
      trx
        .updateTable('mail_outbox')
        .set((eb) => ({ status: 'pending', attempts: eb('attempts', '-', 1), next_attempt_at: clock().toISOString() }))
        .where('id', '=', row.id)
        .where('status', '=', 'sending')
        .where('next_attempt_at', '=', deadline)
        .execute(),
    );

  /** Sends one claimed message and records the outcome, while the claim is still this worker's. */
  const sendOne = async (claimed: Claimed, deadline: string) => {
    try {
      const message = messageOf(claimed, await templateOf(claimed.template_id));
      await sendWithin(transport, { from, to: claimed.to_address, messageId: `<${claimed.id}@${domain}>`, ...message }, sendTimeoutMs);
      // Recorded with the next shared commit; the lane goes on to its next message meanwhile.
      recording.push(
        write((trx) =>
          trx
            .updateTable('mail_outbox')
            .set({ status: 'sent', sent_at: clock().toISOString(), last_error: null })
            .where('id', '=', claimed.id)
            .where('status', '=', 'sending')
            .where('next_attempt_at', '=', deadline)
            .execute(),
        ).then(() => void report.sent++),
      );
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

  // `concurrency` lanes send; the due messages are claimed a slice at a time (four per lane), by
  // whichever lane runs out first, so claiming costs one commit per slice, not one per message.
  // A message is sent only while its claim has a whole send's time left; one that waited too
  // long behind slow sends is released untried, never sent on a claim that may have passed.
  const lanes = Math.max(1, Math.min(Math.floor(concurrency), due.length));
  const sliceSize = lanes * 4;
  const live = due.filter((row) => !(row.status === 'sending' && row.attempts >= maxAttempts));
  for (const row of due) if (!live.includes(row)) await giveUpInterrupted(row);
  let next = 0;
  const ready: Array<{ row: Claimed; deadline: string }> = [];
  let claiming: Promise<void> | undefined;
  const refill = () =>
    (claiming ??= (async () => {
      const slice = live.slice(next, next + sliceSize);
      next += slice.length;
      const { deadline, claimed } = await claim(slice);
      for (const row of claimed) ready.push({ row, deadline });
    })().finally(() => (claiming = undefined)));
  const lane = async () => {
    for (;;) {
      while (ready.length === 0 && (next < live.length || claiming)) await refill();
      const item = ready.shift();
      if (!item) return;
      if (Date.parse(item.deadline) - clock().getTime() < sendTimeoutMs) await release(item.row, item.deadline);
      else await sendOne(item.row, item.deadline);
    }
  };
  const settled = [...(await Promise.allSettled(Array.from({ length: lanes }, lane))), ...(await Promise.allSettled(recording))];
  // A store error ends its lane; the round reports it only once every lane has stopped, so the
  // worker's next round never overlaps this one.
  const failure = settled.find((l) => l.status === 'rejected');
  if (failure) throw failure.reason;
  return report;
}

/**
 * Group commit: every write asked for within `windowMs` of the first runs in one transaction, each
 * statement on its own and its result handed back to its caller. On SQLite (a full sync on every
 * commit) this turns one disk sync per claim and per outcome into one per few dozen of them.
 * If the transaction fails, every write in it fails with the same error and none is kept: a claim
 * then never happened, and a send whose `sent` was lost is sent again after its lease, as after a
 * crash.
 */
function sharedCommits(db: Kysely<Database>, windowMs = COMMIT_WINDOW_MS) {
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
        setTimeout(() => void flush(), windowMs);
      }
    });
}

/**
 * How long an outcome waits for others to share its commit. It is also how much longer than the
 * send itself a message stays unrecorded, so a crash in it means that message is sent again.
 */
const COMMIT_WINDOW_MS = 10;

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
