import type { Kysely } from 'kysely';
import { systemClock } from '../store/contacts.ts';
import type { Database } from '../store/schema.ts';
import { erasedAddressHash } from './core-data.ts';
import type { Person, PersonalData } from './personal-data.ts';

/** Erasure stops before changing anything: the reason is said to whoever asked. */
export class ErasureRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ErasureRefused';
  }
}

/** By name, not `instanceof`: a page Astro bundles holds its own copy of the class the server's declarations throw. */
export const isErasureRefused = (error: unknown): error is ErasureRefused => error instanceof Error && error.name === 'ErasureRefused';

/** The person a contact id names, or undefined when there is none or they were erased already. */
export async function personOf(db: Kysely<Database>, contactId: string): Promise<Person | undefined> {
  const row = await db.selectFrom('contacts').select(['id', 'email', 'name', 'organisation', 'erased_at']).where('id', '=', contactId).executeTakeFirst();
  if (!row || row.erased_at) return undefined;
  return { contactId: row.id, email: row.email, name: row.name, organisation: row.organisation };
}

/** The store's own declaration (the one holding `contacts`) goes last: rows that point at the contact go first. */
function inErasureOrder(declarations: readonly PersonalData[]): PersonalData[] {
  const own = declarations.filter((d) => d.tables.includes('contacts'));
  return [...declarations.filter((d) => !d.tables.includes('contacts')).reverse(), ...own];
}

export interface ErasureOptions {
  at?: Date | undefined;
  /** Remember the address as a keyed hash so nothing is mailed to it again (a person's request: yes; a retention period: no). */
  remember?: { secret: string } | undefined;
  /** More writes that must stand or fall with the erasure (the request's record, the staff action's audit entry); only when something was erased. */
  also?: ((trx: Kysely<Database>) => Promise<void>) | undefined;
}

/**
 * Erases everything the store holds about one contact, in one transaction: each declaration
 * removes or anonymises its rows, then the contact row is emptied. 'already' for a contact
 * erased before (erasing twice is harmless), 'unknown' for an id the store never had.
 */
export async function erasePerson(
  db: Kysely<Database>,
  declarations: readonly PersonalData[],
  contactId: string,
  options: ErasureOptions = {},
): Promise<'erased' | 'already' | 'unknown'> {
  const at = options.at ?? systemClock();
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('contacts').select(['id', 'erased_at']).where('id', '=', contactId).executeTakeFirst();
    if (!row) return 'unknown';
    if (row.erased_at) return 'already';
    const person = (await personOf(trx, contactId))!;
    for (const declaration of inErasureOrder(declarations)) await declaration.erase(trx, person, at);
    if (options.remember) {
      await trx
        .insertInto('erased_addresses')
        .values({ hash: erasedAddressHash(options.remember.secret, person.email), contact_id: contactId, erased_at: at.toISOString() })
        .onConflict((oc) => oc.column('hash').doUpdateSet({ contact_id: contactId, erased_at: at.toISOString() }))
        .execute();
    }
    await options.also?.(trx);
    return 'erased';
  });
}

/** Everything the store holds about one contact, by table: what "download my data" hands over. */
export async function exportPerson(
  db: Kysely<Database>,
  declarations: readonly PersonalData[],
  contactId: string,
): Promise<Record<string, unknown[]> | undefined> {
  const person = await personOf(db, contactId);
  if (!person) return undefined;
  const tables: Record<string, unknown[]> = {};
  for (const declaration of declarations) Object.assign(tables, await declaration.export(db, person));
  return tables;
}
