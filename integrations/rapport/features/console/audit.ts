import { likeEscaped, likeLiteral } from '../../core/store/like.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../../core/store/schema.ts';

export const AUDIT_PAGE_SIZE = 50;

/** The audit log, newest first, optionally for one actor, one kind of action or one record. */
export async function readAudit(
  db: Kysely<Database>,
  filter: { actor?: string | undefined; action?: string | undefined; subject?: string | undefined; page: number },
) {
  let query = db.selectFrom('audit_log').selectAll();
  if (filter.actor) query = query.where('actor', '=', filter.actor);
  if (filter.action) query = query.where((eb) => likeEscaped(eb.ref('action'), `${likeLiteral(filter.action!)}%`));
  if (filter.subject) query = query.where('subject_id', '=', filter.subject);
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(AUDIT_PAGE_SIZE + 1)
    .offset((filter.page - 1) * AUDIT_PAGE_SIZE)
    .execute();
  return { rows: rows.slice(0, AUDIT_PAGE_SIZE), more: rows.length > AUDIT_PAGE_SIZE };
}

/** Who has acted, for the filter's choices. */
export async function auditActors(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('audit_log').select('actor').distinct().orderBy('actor').limit(200).execute();
  return rows.map((r) => r.actor);
}
