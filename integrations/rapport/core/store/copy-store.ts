import path from 'node:path';
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { migrateToLatest } from './migrate.ts';
import type { Dialect, Store } from './open-store.ts';
import { currentSchema, foreignKeyOrder, storeTables, type StoreTable } from './store-tables.ts';

/** A row of any table: the copy works from the database's description, not from the code's types. */
type AnyDb = Kysely<Record<string, Record<string, unknown>>>;

export interface CopyOptions {
  /** Empty a target that already holds data first (otherwise such a target is refused). */
  replace?: boolean | undefined;
  /** Rows read and inserted at a time. @default 500 */
  batchRows?: number | undefined;
}

export interface CopiedTable {
  name: string;
  /** Rows in the source when the copy read it. */
  source: number;
  /** Rows in the target after the copy committed. */
  target: number;
}

/** A copy that was not attempted, with the reason for the person at the terminal. */
export class CopyRefused extends Error {}

/**
 * Copies every row of one store into another (SQLite ⇄ PostgreSQL, or the same kind): the target
 * is migrated to the same version first, the tables are written parents first, all in one
 * transaction (a failed copy leaves the target as it was), then every table's rows are counted on
 * both sides. The source is read in one transaction too, so it is a consistent picture of it.
 */
export async function copyStore(source: Store, target: Store, options: CopyOptions = {}): Promise<CopiedTable[]> {
  if (await sameStore(source, target)) throw new CopyRefused(`The target (${target.location}) is the store itself; copy it somewhere else.`);
  await migrateToLatest(target);
  const [versionFrom, versionTo] = await Promise.all([migrationsOf(source), migrationsOf(target)]);
  if (versionFrom.join() !== versionTo.join())
    throw new CopyRefused(
      `The two stores are at different versions (source: ${versionFrom.at(-1) ?? 'none'}, target: ${versionTo.at(-1) ?? 'none'}). Run the copy with the Rapport version that made the newer one.`,
    );
  const [fromTables, toTables] = await Promise.all([storeTables(source), storeTables(target)]);
  const tables = foreignKeyOrder(toTables);
  sameShape(fromTables, toTables);

  const held = await rowCounts(target.db, tables);
  const holding = held.filter((c) => c.rows > 0);
  if (holding.length > 0 && !options.replace)
    throw new CopyRefused(
      `The target (${target.location}) already holds data (${holding.map((c) => `${c.name}: ${c.rows}`).join(', ')}). Nothing was copied. To replace it with this store's data, run the command again with --replace.`,
    );

  const counted = await readConsistently(source, async (from) => {
    const counts = await rowCounts(from, tables);
    await (target.db as unknown as AnyDb).transaction().execute(async (to) => {
      if (holding.length > 0) await emptyTables(to, tables);
      for (const table of tables)
        if (counts.find((c) => c.name === table.name)!.rows > 0) await copyTable(from, to, table, target.dialect, options.batchRows ?? 500);
      if (target.dialect === 'postgres') await resetSequences(to);
      // Counted before the commit, so a copy that came out short is rolled back, not left behind.
      differences(counts, await rowCounts(to, tables));
    });
    return counts;
  });
  const after = await rowCounts(target.db, tables);
  differences(counted, after);
  return tables.map((t) => ({ name: t.name, source: counted.find((c) => c.name === t.name)!.rows, target: after.find((c) => c.name === t.name)!.rows }));
}

function differences(source: Array<{ name: string; rows: number }>, target: Array<{ name: string; rows: number }>): void {
  const wrong = source.filter((s) => target.find((t) => t.name === s.name)?.rows !== s.rows);
  if (wrong.length > 0)
    throw new Error(
      `The copy's row counts differ from the source's: ${wrong.map((s) => `${s.name} ${s.rows} → ${target.find((t) => t.name === s.name)?.rows}`).join(', ')}.`,
    );
}

async function sameStore(a: Store, b: Store): Promise<boolean> {
  if (a.dialect !== b.dialect) return false;
  if (a.dialect === 'sqlite') return path.resolve(a.location) === path.resolve(b.location);
  return a.location === b.location && (await currentSchema(a.db)) === (await currentSchema(b.db));
}

/** Rows per table. */
export async function rowCounts<DB>(db: Kysely<DB>, tables: StoreTable[]): Promise<Array<{ name: string; rows: number }>> {
  const any = db as unknown as AnyDb;
  const counts = [];
  for (const table of tables) {
    const row = await any
      .selectFrom(table.name)
      .select((eb) => eb.fn.countAll<number | string>().as('rows'))
      .executeTakeFirstOrThrow();
    counts.push({ name: table.name, rows: Number(row.rows) });
  }
  return counts;
}

/** The names of the migrations a store has run, in order. */
async function migrationsOf(store: Store): Promise<string[]> {
  const rows = await (store.db as unknown as AnyDb).selectFrom('kysely_migration').select('name').orderBy('name').execute();
  return rows.map((r) => String(r.name));
}

function sameShape(from: StoreTable[], to: StoreTable[]): void {
  const shape = (tables: StoreTable[]) =>
    new Map(
      tables.map((t) => [
        t.name,
        t.columns
          .map((c) => c.name)
          .sort()
          .join(', '),
      ]),
    );
  const a = shape(from);
  const b = shape(to);
  const differ = [...new Set([...a.keys(), ...b.keys()])].filter((name) => a.get(name) !== b.get(name));
  if (differ.length > 0)
    throw new CopyRefused(
      `The two stores' tables differ (${differ.join(', ')}) although both ran the same migrations; was one of them changed by hand? Nothing was copied.`,
    );
}

/** Runs `read` in one read transaction of the source: PostgreSQL's repeatable read is a snapshot; SQLite's transaction keeps writers out. */
function readConsistently<T>(source: Store, read: (db: AnyDb) => Promise<T>): Promise<T> {
  const transaction = source.db.transaction();
  return (source.dialect === 'postgres' ? transaction.setIsolationLevel('repeatable read').setAccessMode('read only') : transaction).execute((trx) =>
    read(trx as unknown as AnyDb),
  );
}

/** Deletes every row, children first. The append-only tables accept it under a permit (see append-only.ts), held for this transaction only. */
async function emptyTables(db: AnyDb, tables: StoreTable[]): Promise<void> {
  const permits = tables.some((t) => t.name === 'append_only_permits');
  if (permits) {
    await db.deleteFrom('append_only_permits').execute();
    await db
      .insertInto('append_only_permits')
      .values(tables.map((t) => ({ table_name: t.name })))
      .execute();
  }
  for (const table of [...tables].reverse()) if (table.name !== 'append_only_permits') await db.deleteFrom(table.name).execute();
  if (permits) await db.deleteFrom('append_only_permits').execute();
}

/** Copies one table in batches, in primary-key order, each batch starting after the last key read (no OFFSET re-reading what came before). */
async function copyTable(source: AnyDb, to: AnyDb, table: StoreTable, targetDialect: Dialect, batchRows: number): Promise<void> {
  const columns = table.columns.map((c) => c.name);
  // Both dialects cap the values one statement may carry (SQLite 32,766, PostgreSQL 65,535).
  const rowsPerInsert = Math.max(1, Math.min(batchRows, Math.floor(30_000 / columns.length)));
  const key = table.primaryKey.length > 0 ? table.primaryKey : columns;
  let last: Record<string, unknown> | undefined;
  let offset = 0;
  for (;;) {
    let query = source.selectFrom(table.name).select(columns);
    for (const column of key) query = query.orderBy(column);
    // Without a primary key the rows have no unique order to resume from: fall back to an offset.
    if (table.primaryKey.length === 0) query = query.offset(offset);
    else if (last) query = query.where((eb) => after(eb, key, last!));
    const rows = await query.limit(rowsPerInsert).execute();
    if (rows.length === 0) return;
    try {
      await to
        .insertInto(table.name)
        .values(rows.map((row) => Object.fromEntries(table.columns.map((c) => [c.name, asStored(row[c.name], c.dataType, targetDialect)]))))
        .execute();
    } catch (error) {
      // SQLite keeps whatever it is given (text in an integer column); PostgreSQL does not. Say where.
      const first = table.primaryKey.length > 0 ? ` (rows from ${table.primaryKey.map((k) => `${k} = ${String(rows[0]![k])}`).join(', ')})` : '';
      throw new CopyRefused(
        `Copying ${table.name}${first} failed: ${error instanceof Error ? error.message : String(error)}. Nothing was copied; correct that row in the source and run the copy again.`,
        { cause: error },
      );
    }
    last = rows.at(-1);
    offset += rows.length;
    if (rows.length < rowsPerInsert) return;
  }
}

/** `(k1, k2, …) > (v1, v2, …)` written as ORs of ANDs, which every dialect reads (and any number of key columns). */
function after(eb: ExpressionBuilder<Record<string, Record<string, unknown>>, string>, key: string[], last: Record<string, unknown>): Expression<SqlBool> {
  return eb.or(key.map((column, i) => eb.and([...key.slice(0, i).map((k) => eb(eb.ref(k), '=', last[k])), eb(eb.ref(column), '>', last[column])])));
}

/**
 * A value as the target's column stores it. The schema keeps to types both dialects share, but
 * their drivers hand them over differently: PostgreSQL returns a bigint as a string (SQLite would
 * keep it as text in an integer column if given one), and booleans, JSON and timestamps, should a
 * later migration use them, come back as JavaScript booleans, objects and Dates.
 */
export function asStored(value: unknown, dataType: string, dialect: Dialect): unknown {
  if (value === null || value === undefined) return null;
  const type = dataType.toLowerCase();
  if (/^(int|integer|bigint|smallint|int2|int4|int8|serial|bigserial)$/.test(type)) {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (typeof value === 'string' && /^-?\d+$/.test(value)) {
      const n = Number(value);
      return Number.isSafeInteger(n) ? n : dialect === 'sqlite' ? BigInt(value) : value;
    }
    if (typeof value === 'bigint' && dialect === 'postgres') return value.toString();
    return value;
  }
  if (/^bool(ean)?$/.test(type)) return dialect === 'postgres' ? Boolean(Number(value)) : Number(value) ? 1 : 0;
  if (value instanceof Date) return /timestamp|date/.test(type) && dialect === 'postgres' ? value : value.toISOString();
  if (typeof value === 'object' && !(value instanceof Uint8Array) && !/^jsonb?$/.test(type)) return JSON.stringify(value);
  if (typeof value === 'object' && /^jsonb?$/.test(type) && dialect === 'postgres') return JSON.stringify(value);
  return value;
}

/** Moves every sequence past the highest value copied, so the next row the application inserts does not collide with a copied one. */
async function resetSequences(db: AnyDb): Promise<void> {
  const schema = await currentSchema(db);
  const { rows } = await sql<{ table: string; column: string; sequence: string }>`
    select table_name as "table", column_name as "column", pg_get_serial_sequence(format('%I.%I', table_schema, table_name), column_name) as "sequence"
    from information_schema.columns
    where table_schema = ${schema} and pg_get_serial_sequence(format('%I.%I', table_schema, table_name), column_name) is not null`.execute(db);
  for (const s of rows)
    await sql`select setval(${s.sequence}::regclass, coalesce(max(${sql.ref(s.column)}), 0) + 1, false) from ${sql.table(s.table)}`.execute(db);
}
