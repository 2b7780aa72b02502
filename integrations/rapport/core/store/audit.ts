import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Who did it: a signed-in staff member, or someone at the server's command line. */
export type Actor = { accountId: string; email: string } | 'cli';

/** One staff action for the audit log. */
export interface AuditEntry {
  /** A dotted name, e.g. `order.ship`. */
  action: string;
  subject?: { type: string; id: string };
  /** What happened, in a line an owner can read. */
  summary: string;
  data?: unknown;
}

/** Writes an audit entry; call it with the transaction of the change it records, so neither exists without the other. */
export async function recordAudit(db: Kysely<Database>, actor: Actor, entry: AuditEntry, at: Date): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: randomUUID(),
      created_at: at.toISOString(),
      actor_account_id: actor === 'cli' ? null : actor.accountId,
      actor: actor === 'cli' ? 'cli' : actor.email,
      action: entry.action,
      subject_type: entry.subject?.type ?? null,
      subject_id: entry.subject?.id ?? null,
      summary: entry.summary,
      data: entry.data === undefined ? null : JSON.stringify(entry.data),
    })
    .execute();
}
