import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { ConsentLedgerTable, Contact, ContactKind, Database } from './schema.ts';

/** The current time as the store writes it. Passed in so tests control it. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/**
 * Finds or creates the contact for an e-mail address (compared case-insensitively). An existing
 * contact keeps its name and kind: a form cannot overwrite what the business already knows
 * (a name is only filled in when none was known).
 */
export async function upsertContact(
  db: Kysely<Database>,
  input: { email: string; name: string; organisation?: string | null | undefined; kind?: ContactKind | undefined },
  clock: Clock = systemClock,
): Promise<Contact> {
  const now = clock().toISOString();
  return db
    .insertInto('contacts')
    .values({
      id: randomUUID(),
      email: input.email.trim().toLowerCase(),
      name: input.name,
      organisation: input.organisation ?? null,
      kind: input.kind ?? 'prospect',
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.column('email').doUpdateSet({ updated_at: now, name: sql<string>`case when contacts.name = '' then excluded.name else contacts.name end` }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Appends one consent event. The ledger is never changed afterwards (the database enforces it). */
export async function appendConsent(db: Kysely<Database>, record: Omit<ConsentLedgerTable, 'id' | 'created_at'>, clock: Clock = systemClock): Promise<void> {
  await db
    .insertInto('consent_ledger')
    .values({ ...record, id: randomUUID(), created_at: clock().toISOString() })
    .execute();
}

/** A contact's consent events, oldest first. */
export function consentHistory(db: Kysely<Database>, contactId: string) {
  return db.selectFrom('consent_ledger').selectAll().where('contact_id', '=', contactId).orderBy('created_at').orderBy('id').execute();
}
