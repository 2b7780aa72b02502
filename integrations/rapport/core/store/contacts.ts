import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Kysely } from 'kysely';
import type { ConsentLedgerTable, Contact, ContactKind, Database } from './schema.ts';

/** The current time as the store writes it. Passed in so tests control it. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/**
 * Finds or creates the contact for an e-mail address (compared case-insensitively). An existing
 * contact keeps its name and kind: a form cannot overwrite what the business already knows
 * (a name is only filled in when none was known). A `language` (the locale of the form sent) is
 * the person's latest choice and replaces the one stored; without one (staff, the CLI) it stays.
 */
export async function upsertContact(
  db: Kysely<Database>,
  input: { email: string; name: string; organisation?: string | null | undefined; kind?: ContactKind | undefined; language?: string | undefined },
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
      language: input.language ?? null,
    })
    .onConflict((oc) =>
      oc.column('email').doUpdateSet({
        updated_at: now,
        name: sql<string>`case when contacts.name = '' then excluded.name else contacts.name end`,
        language: sql<string | null>`coalesce(excluded.language, contacts.language)`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Appends one consent event (`language`: the one its wording was shown in). The ledger is never changed afterwards (the database enforces it). */
export async function appendConsent(
  db: Kysely<Database>,
  record: Omit<Insertable<ConsentLedgerTable>, 'id' | 'created_at'>,
  clock: Clock = systemClock,
): Promise<void> {
  await db
    .insertInto('consent_ledger')
    .values({ ...record, id: randomUUID(), created_at: clock().toISOString() })
    .execute();
}

/** The latest consent event of a contact for one purpose ('granted', 'withdrawn'…), undefined when none: what decides whether they may be mailed for it. */
export async function lastConsent(db: Kysely<Database>, contactId: string, purpose: string): Promise<string | undefined> {
  const last = await db
    .selectFrom('consent_ledger')
    .select('action')
    .where('contact_id', '=', contactId)
    .where('purpose', '=', purpose)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return last?.action;
}

/** A contact's consent events, oldest first. */
export function consentHistory(db: Kysely<Database>, contactId: string) {
  return db.selectFrom('consent_ledger').selectAll().where('contact_id', '=', contactId).orderBy('created_at').orderBy('id').execute();
}
