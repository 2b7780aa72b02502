import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, PrivacyRequestKind } from '../../../core/store/schema.ts';

/** PIPEDA gives a business 30 days to answer an access request; every request carries that due date. */
export const DUE_DAYS = 30;
const DAY_MS = 86_400_000;

/** How a request was made, as `privacy_requests.via` records it. */
export type RequestVia = 'account' | 'link' | `staff:${string}`;

/** How the console and the person's own download name each kind. */
export const REQUEST_KIND_LABELS: Record<PrivacyRequestKind, string> = {
  access: 'Copy of their data',
  correction: 'Correction',
  erasure: 'Erasure',
  link: 'Asked for a link by e-mail',
};

/** Records a request; self-served ones are done at once (`status: 'done'`). Call it in the transaction of what it records. */
export async function recordRequest(
  db: Kysely<Database>,
  request: { contactId: string; kind: PrivacyRequestKind; via: RequestVia; status: 'open' | 'done'; at: Date; note?: string | undefined },
): Promise<string> {
  const id = randomUUID();
  const at = request.at.toISOString();
  await db
    .insertInto('privacy_requests')
    .values({
      id,
      contact_id: request.contactId,
      kind: request.kind,
      via: request.via,
      status: request.status,
      created_at: at,
      due_at: new Date(request.at.getTime() + DUE_DAYS * DAY_MS).toISOString(),
      done_at: request.status === 'done' ? at : null,
      note: request.note ?? null,
    })
    .execute();
  return id;
}

/** Closes a person's open link requests: they used the link, so the request is answered. */
export async function closeLinkRequests(db: Kysely<Database>, contactId: string, at: Date): Promise<void> {
  await db
    .updateTable('privacy_requests')
    .set({ status: 'done', done_at: at.toISOString() })
    .where('contact_id', '=', contactId)
    .where('kind', '=', 'link')
    .where('status', '=', 'open')
    .execute();
}

/** Marks one request done; `false` for an unknown id, or one done already. */
export async function markDone(db: Kysely<Database>, id: string, at: Date): Promise<boolean> {
  if (id.length > 100 || id.includes('\0')) return false;
  const result = await db
    .updateTable('privacy_requests')
    .set({ status: 'done', done_at: at.toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export const REQUESTS_PAGE_SIZE = 50;

/** One page of requests for the console: open ones first (the nearest due date first), then the rest, newest first. */
export async function listRequests(db: Kysely<Database>, options: { status: 'open' | 'all'; page: number }) {
  let query = db
    .selectFrom('privacy_requests as r')
    .innerJoin('contacts as c', 'c.id', 'r.contact_id')
    .select(['r.id', 'r.contact_id', 'r.kind', 'r.via', 'r.status', 'r.created_at', 'r.due_at', 'r.done_at', 'c.email', 'c.name', 'c.erased_at']);
  if (options.status === 'open') query = query.where('r.status', '=', 'open');
  const rows = await query
    .orderBy((eb) => eb.case().when('r.status', '=', 'open').then(0).else(1).end())
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id')
    .limit(REQUESTS_PAGE_SIZE + 1)
    .offset((options.page - 1) * REQUESTS_PAGE_SIZE)
    .execute();
  return { rows: rows.slice(0, REQUESTS_PAGE_SIZE), more: rows.length > REQUESTS_PAGE_SIZE };
}

/** Open requests, and those of them past their due date: the console's Today lines. */
export async function countOpen(db: Kysely<Database>, now: Date): Promise<{ open: number; overdue: number }> {
  const row = await db
    .selectFrom('privacy_requests')
    .select((eb) => [
      eb.fn.countAll<number | string>().as('open'),
      eb.fn.sum<number | string | null>(eb.case().when('due_at', '<', now.toISOString()).then(1).else(0).end()).as('overdue'),
    ])
    .where('status', '=', 'open')
    .executeTakeFirstOrThrow();
  return { open: Number(row.open), overdue: Number(row.overdue ?? 0) };
}

/** How the console names a contact: their name or address, or "Erased contact" once erased. */
export const contactLabel = (c: { name: string; email: string; erased_at: string | null }) => (c.erased_at ? 'Erased contact' : c.name || c.email);
