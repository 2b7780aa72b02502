import { sql, type Kysely } from 'kysely';
import type { AuditEntry } from '../../core/store/audit.ts';
import { MESSAGE_STATUSES, type Database, type MessageStatus } from '../../core/store/schema.ts';
import { containsPattern } from '../../site/console/query.ts';

// The contact form's messages as the staff console's inbox: the `enquiry` activities, with their
// status in `message_handling` (no row there: new).

export const MESSAGES_PAGE_SIZE = 50;

export const MESSAGE_STATUS_LABELS: Record<MessageStatus, string> = { new: 'New', answered: 'Answered', closed: 'Closed' };

/** What a message's `data` holds (see message.ts); older or odd rows may lack any of it. */
export interface EnquiryData {
  subject: string;
  message: string;
  name: string;
  organisation: string | null;
  kind: string | null;
}

export function enquiryData(json: string | null, summary: string): EnquiryData {
  let data: Partial<Record<keyof EnquiryData, unknown>> = {};
  try {
    const parsed: unknown = json ? JSON.parse(json) : {};
    if (parsed && typeof parsed === 'object') data = parsed as typeof data;
  } catch {
    // A damaged row still shows its summary.
  }
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    subject: text(data.subject) ?? summary,
    message: text(data.message) ?? '',
    name: text(data.name) ?? '',
    organisation: text(data.organisation),
    kind: text(data.kind),
  };
}

/** The columns a list row and a message page share: the message, its sender, its status and who set it. */
function messages(db: Kysely<Database>) {
  return db
    .selectFrom('activities as a')
    .innerJoin('contacts as c', 'c.id', 'a.contact_id')
    .leftJoin('message_handling as h', 'h.activity_id', 'a.id')
    .leftJoin('accounts as staff', 'staff.id', 'h.handled_by')
    .leftJoin('contacts as sc', 'sc.id', 'staff.contact_id')
    .select(['a.id', 'a.summary', 'a.created_at', 'c.id as contactId', 'c.email', 'c.name', 'h.status', 'h.updated_at as handledAt', 'sc.email as handledBy'])
    .where('a.type', '=', 'enquiry');
}

export type MessageFilter = MessageStatus | 'all';

/** One page of the inbox, newest first. `search` matches the sender's name or address, or the subject. */
export async function listMessages(db: Kysely<Database>, filter: { status: MessageFilter; search?: string | undefined; page: number }) {
  let query = messages(db);
  // "Not handled" as an anti-join: PostgreSQL then reads the newest messages in index order and stops
  // at a page, where `h.status is null or h.status = 'new'` made it sort every message first.
  if (filter.status === 'new')
    query = query.where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('message_handling as handled')
            .select('handled.activity_id')
            .whereRef('handled.activity_id', '=', 'a.id')
            .where('handled.status', '!=', 'new'),
        ),
      ),
    );
  else if (filter.status !== 'all') query = query.where('h.status', '=', filter.status);
  if (filter.search) {
    const pattern = containsPattern(filter.search);
    // Addresses are stored lower-cased; names and subjects are compared lower-cased (PostgreSQL's
    // LIKE is case-sensitive). The senders are found first, in one pass over contacts, rather than
    // by a join for each message (twice as fast over 100,000 messages).
    query = query.where((eb) =>
      eb.or([
        eb(
          'a.contact_id',
          'in',
          eb
            .selectFrom('contacts')
            .select('contacts.id')
            .where(
              (sub) =>
                sql<boolean>`(lower(${sub.ref('contacts.name')}) like ${pattern} escape '\\' or ${sub.ref('contacts.email')} like ${pattern} escape '\\')`,
            ),
        ),
        sql<boolean>`lower(${eb.ref('a.summary')}) like ${pattern} escape '\\'`,
      ]),
    );
  }
  const rows = await query
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(MESSAGES_PAGE_SIZE + 1)
    .offset((filter.page - 1) * MESSAGES_PAGE_SIZE)
    .execute();
  return {
    rows: rows.slice(0, MESSAGES_PAGE_SIZE).map((r) => ({ ...r, status: (r.status ?? 'new') as MessageStatus })),
    more: rows.length > MESSAGES_PAGE_SIZE,
  };
}

/** One message with its sender's details, or undefined (unknown id, or an activity that is not a contact-form message). */
export async function readMessage(db: Kysely<Database>, id: string) {
  const row = await messages(db).select(['a.data', 'c.organisation']).where('a.id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const { data, name: contactName, ...rest } = row;
  // The name as written on the form, and the contact's name now (it may have changed since).
  return { ...rest, contactName, status: (row.status ?? 'new') as MessageStatus, ...enquiryData(data, row.summary) };
}

/**
 * How many messages nobody has answered or closed yet: all messages less the handled ones, two
 * counts an index or a small table answers (a shop may hold 100,000 messages; few are new). Only
 * this inbox writes `message_handling`, and only for messages.
 */
export async function countNewMessages(db: Kysely<Database>): Promise<number> {
  const [all, handled] = await Promise.all([
    db
      .selectFrom('activities')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('type', '=', 'enquiry')
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('message_handling')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('status', '!=', 'new')
      .executeTakeFirstOrThrow(),
  ]);
  return Number(all.n) - Number(handled.n);
}

export const isMessageStatus = (value: string): value is MessageStatus => (MESSAGE_STATUSES as readonly string[]).includes(value);

const SAID: Record<MessageStatus, string> = { new: 'new again', answered: 'answered', closed: 'closed' };

/**
 * Sets a message's inbox status (and who set it). Returns what the audit log records, none when
 * the status was already that, or undefined for a message that does not exist.
 */
export async function setMessageStatus(
  trx: Kysely<Database>,
  id: string,
  status: MessageStatus,
  by: string,
  now: Date,
): Promise<{ audit: AuditEntry[] } | undefined> {
  const message = await readMessage(trx, id);
  if (!message) return undefined;
  if (message.status === status) return { audit: [] };
  const at = now.toISOString();
  await trx
    .insertInto('message_handling')
    .values({ activity_id: id, status, handled_by: by, updated_at: at })
    .onConflict((oc) => oc.column('activity_id').doUpdateSet({ status, handled_by: by, updated_at: at }))
    .execute();
  return {
    audit: [
      {
        action: 'message.status',
        subject: { type: 'message', id },
        summary: `Marked the message “${message.subject}” from ${message.email} as ${SAID[status]}`,
        data: { status: { from: message.status, to: status } },
      },
    ],
  };
}
