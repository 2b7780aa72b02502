import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Makes the database itself refuse UPDATE and DELETE on a table (the consent ledger, the audit log). As shipped in migrations 0001 and 0006; 0008 replaces it with `appendOnlyUnlessPermitted`. */
export async function appendOnly(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres', table: string): Promise<void> {
  const message = `${table} is append-only`;
  if (dialect === 'sqlite') {
    for (const op of ['UPDATE', 'DELETE']) {
      await sql.raw(`CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, '${message}'); END`).execute(db);
    }
    return;
  }
  await sql.raw(`CREATE FUNCTION ${table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '${message}'; END $$`).execute(db);
  await sql.raw(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${table}_append_only()`).execute(db);
}

/**
 * The same refusal, except inside a transaction that holds a permit row for the table
 * (`append_only_permits`): the only two changes the law asks of these tables go through
 * `withPermit` (an erasure redacting a person from the audit log, a retention period deleting
 * old consent records). A permit is inserted and deleted within one transaction, so no other
 * connection ever sees it (PostgreSQL) or can write meanwhile (SQLite's one writer).
 */
export async function appendOnlyUnlessPermitted(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres', table: string): Promise<void> {
  const message = `${table} is append-only`;
  if (dialect === 'sqlite') {
    for (const op of ['UPDATE', 'DELETE']) {
      await sql.raw(`DROP TRIGGER IF EXISTS ${table}_no_${op.toLowerCase()}`).execute(db);
      await sql
        .raw(
          `CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table} WHEN NOT EXISTS (SELECT 1 FROM append_only_permits WHERE table_name = '${table}') BEGIN SELECT RAISE(ABORT, '${message}'); END`,
        )
        .execute(db);
    }
    return;
  }
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION ${table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM append_only_permits WHERE table_name = TG_TABLE_NAME) THEN IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END IF; RAISE EXCEPTION '${message}'; END $$`,
    )
    .execute(db);
}

/** Runs `change` with a permit to update or delete rows of an append-only table; `trx` must be a transaction. */
export async function withPermit<T>(trx: Kysely<Database>, table: 'consent_ledger' | 'audit_log', change: () => Promise<T>): Promise<T> {
  await trx.insertInto('append_only_permits').values({ table_name: table }).execute();
  const result = await change();
  await trx.deleteFrom('append_only_permits').where('table_name', '=', table).execute();
  return result;
}
