import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** One entry on a contact's timeline (`activities`): what happened, in a line staff can read. */
export interface Activity {
  contactId: string;
  /** A short kind, e.g. `order`, `subscribed`, `question`. */
  type: string;
  summary: string;
  /** Details for the record (stored as JSON). */
  data?: unknown;
}

/** Records an activity; call it with the transaction of the change it describes. */
export async function recordActivity(db: Kysely<Database>, activity: Activity, at: Date | string): Promise<void> {
  await db
    .insertInto('activities')
    .values({
      id: randomUUID(),
      contact_id: activity.contactId,
      type: activity.type,
      summary: activity.summary,
      data: activity.data === undefined ? null : JSON.stringify(activity.data),
      created_at: typeof at === 'string' ? at : at.toISOString(),
    })
    .execute();
}
