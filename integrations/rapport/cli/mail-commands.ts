import type { Kysely } from 'kysely';
import type { CliCommand } from '../core/feature.ts';
import { ATTENTION_STATUSES, listOutbox, OUTBOX_STATUSES, retryMail, type OutboxStatus } from '../core/mail/outbox-admin.ts';
import type { Database } from '../core/store/schema.ts';
import { readBounceFiles } from './mail-bounces.ts';

const when = (iso: string | null) => (iso ? `${iso.slice(0, 19).replace('T', ' ')} UTC` : '');

/** `npx rapport mail list|retry`: the outbox, seen and unstuck from a terminal (core's own commands). */
export const mailCommand: CliCommand = {
  group: 'mail',
  usage: `  npx rapport mail list [--status failed|sending|pending|sent]
      Lists outgoing mail (100): by default what needs attention, failed first, then messages
      being sent (or interrupted) and messages waiting for their next attempt.
  npx rapport mail retry <id>
      Sends a failed (or interrupted) message again: back in the queue, due now, with a fresh
      set of attempts. <id> may be the first characters of the id, as long as they are unique.
  npx rapport mail bounces <file-or-folder>…
      Reads bounces (delivery status notifications) and spam complaints (ARF abuse reports)
      saved as .eml files (a folder: its *.eml files) and records them: a hard bounce, the third
      soft bounce in 30 days or a complaint stops list mail to the address; a complaint also
      unsubscribes it from every list. Prints what each file held; exits 1 if a path is unreadable.`,
  options: { status: { type: 'string' } },
  run: (command, args, values, env) => {
    if (command === 'bounces') {
      if (args.length === 0) {
        console.error('Which files? npx rapport mail bounces <file-or-folder>… (.eml files, or folders of them).');
        return Promise.resolve(2);
      }
      return readBounceFiles(env.db, args, { privacyVersion: env.built?.privacyVersion ?? 'none' });
    }
    return mail(env.db, command, args, { status: typeof values.status === 'string' ? values.status : undefined }, env.usage);
  },
};

async function mail(db: Kysely<Database>, command: string, args: string[], values: { status?: string | undefined }, usage: string): Promise<number> {
  if (command === 'list') {
    if (values.status && !(OUTBOX_STATUSES as readonly string[]).includes(values.status)) {
      console.error(`--status must be one of ${OUTBOX_STATUSES.join(', ')}.`);
      return 2;
    }
    const statuses = values.status ? [values.status as OutboxStatus] : ATTENTION_STATUSES;
    const { entries, total } = await listOutbox(db, { statuses });
    for (const m of entries) {
      const next =
        m.status === 'sent'
          ? `sent ${when(m.sentAt)}`
          : m.status === 'failed'
            ? 'gave up'
            : m.status === 'sending'
              ? m.interrupted
                ? `interrupted; resent by the next round`
                : `being sent; claim until ${when(m.nextAttemptAt)}`
              : `next attempt ${when(m.nextAttemptAt)}`;
      console.log(
        `${m.id}  ${m.status.padEnd(7)}  ${String(m.attempts).padStart(2)} attempt${m.attempts === 1 ? ' ' : 's'}  ${next}\n    to ${m.to}: ${m.subject}${m.lastError ? `\n    last error: ${m.lastError.replace(/\s+/g, ' ')}` : ''}`,
      );
    }
    if (total === 0) console.log(values.status ? `No ${values.status} mail.` : 'Nothing waiting: no failed, stuck or pending mail.');
    else
      console.log(
        `${entries.length < total ? `First ${entries.length} of ${total}` : `${total}`} message${total === 1 ? '' : 's'}.${entries.some((m) => m.status === 'failed' || m.interrupted) ? ' Send one again with: npx rapport mail retry <id>' : ''}`,
      );
    return 0;
  }
  if (command === 'retry') {
    const [id] = args;
    if (!id) {
      console.error(`Which message? npx rapport mail retry <id> (ids are in "npx rapport mail list").`);
      return 2;
    }
    const result = await retryMail(db, id);
    switch (result.outcome) {
      case 'queued':
        console.log(
          `Message ${result.id} is queued again${result.was === 'pending' ? ' (it was waiting; now it is due at once)' : ''}: the server sends it within seconds, with a fresh set of attempts.`,
        );
        return 0;
      case 'not-found':
        console.error(`There is no message ${id}.`);
        return 1;
      case 'ambiguous':
        console.error(`More than one message starts with ${id}: ${result.ids.join(', ')}. Give more of the id.`);
        return 1;
      case 'already-sent':
        console.error(`Message ${result.id} was already sent${result.sentAt ? ` (${when(result.sentAt)})` : ''}; not sending it again.`);
        return 1;
      case 'in-flight':
        console.error(
          `Message ${result.id} is being sent right now (claimed until ${when(result.leaseUntil)}). If that server has stopped, retry after that time.`,
        );
        return 1;
    }
  }
  console.error(`Unknown command "mail ${command}".\n\n${usage}`);
  return 2;
}
