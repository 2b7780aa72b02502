import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { systemClock, type Clock } from '../store/contacts.ts';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  /** Extra headers, e.g. `List-Unsubscribe`. */
  headers?: Record<string, string> | undefined;
}

/** What the outbox hands to nodemailer (or any transport with the same `sendMail`). */
export interface MailTransport {
  sendMail(message: { from: string; to: string; subject: string; text: string; html?: string; headers?: Record<string, string> }): Promise<unknown>;
}

export interface OutboxOptions {
  /** Attempts before a message is marked failed (visible to staff). @default 8 */
  maxAttempts?: number;
  /** Delay before the first retry; doubles each time, up to an hour. @default 30 000 ms */
  baseDelayMs?: number;
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

export interface DeliveryReport {
  sent: number;
  retrying: number;
  failed: number;
}

/**
 * Sends the messages that are due. Each message is claimed with a conditional update
 * (`pending` → `sending`) before it is handed to the transport, so two workers, on one server or
 * several, never send the same message. A message whose worker dies mid-send stays `sending` and is
 * not sent again: it is visible to staff instead (at most once, never twice).
 */
export async function deliverDue(
  db: Kysely<Database>,
  transport: MailTransport,
  from: string,
  options: OutboxOptions & { clock?: Clock; limit?: number } = {},
): Promise<DeliveryReport> {
  const { clock = systemClock, limit = 50, maxAttempts = 8, baseDelayMs = 30_000 } = options;
  const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0 };
  const due = await db
    .selectFrom('mail_outbox')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', clock().toISOString())
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  for (const { id } of due) {
    const claimed = await db
      .updateTable('mail_outbox')
      .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .returningAll()
      .executeTakeFirst();
    if (!claimed) continue; // another worker has it
    try {
      await transport.sendMail({
        from,
        to: claimed.to_address,
        subject: claimed.subject,
        text: claimed.text_body,
        ...(claimed.html_body ? { html: claimed.html_body } : {}),
        ...(claimed.headers ? { headers: JSON.parse(claimed.headers) as Record<string, string> } : {}),
      });
      await db.updateTable('mail_outbox').set({ status: 'sent', sent_at: clock().toISOString(), last_error: null }).where('id', '=', id).execute();
      report.sent++;
    } catch (error) {
      const giveUp = claimed.attempts >= maxAttempts;
      const delay = Math.min(baseDelayMs * 2 ** (claimed.attempts - 1), 3_600_000);
      await db
        .updateTable('mail_outbox')
        .set({
          status: giveUp ? 'failed' : 'pending',
          next_attempt_at: new Date(clock().getTime() + delay).toISOString(),
          last_error: (error instanceof Error ? error.message : String(error)).slice(0, 1000),
        })
        .where('id', '=', id)
        .execute();
      report[giveUp ? 'failed' : 'retrying']++;
    }
  }
  return report;
}
