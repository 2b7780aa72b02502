import type { Kysely } from 'kysely';
import { retryMail } from '../../core/mail/outbox-admin.ts';
import type { Clock } from '../../core/store/contacts.ts';
import type { AuditEntry } from '../../core/store/audit.ts';
import type { Database } from '../../core/store/schema.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const WAS = { failed: 'it had failed', sending: 'its sending had been interrupted', pending: 'it was waiting for its next attempt' } as const;

/**
 * "Send again" in the console: the message goes back in the queue with a fresh set of attempts
 * (see `retryMail`). The console names a message by its full id only (the command line also takes
 * a prefix). Answers what the audit log records, or why nothing was done.
 */
export async function sendAgain(
  trx: Kysely<Database>,
  id: string,
  clock: Clock,
): Promise<{ ok: true; audit: AuditEntry } | { ok: false; error: string; status: number }> {
  const wanted = id.trim().toLowerCase();
  const message = UUID.test(wanted)
    ? await trx.selectFrom('mail_outbox').select(['id', 'to_address', 'subject', 'attempts']).where('id', '=', wanted).executeTakeFirst()
    : undefined;
  if (!message) return { ok: false, error: 'There is no such message in the outbox.', status: 404 };
  const result = await retryMail(trx, message.id, clock);
  switch (result.outcome) {
    case 'queued':
      return {
        ok: true,
        audit: {
          action: 'mail.retry',
          subject: { type: 'mail', id: message.id },
          summary: `Sent “${message.subject}” to ${message.to_address} again (${WAS[result.was]})`,
          data: { was: result.was, attempts: message.attempts },
        },
      };
    case 'already-sent':
      return { ok: false, error: 'That message has been sent already; nothing was changed.', status: 409 };
    case 'in-flight':
      return { ok: false, error: 'That message is being sent right now; nothing was changed. Reload the page in a minute to see how it went.', status: 409 };
    default:
      return { ok: false, error: 'There is no such message in the outbox.', status: 404 };
  }
}
