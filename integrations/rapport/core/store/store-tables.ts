import { sql, type Kysely } from 'kysely';
import type { Store } from './open-store.ts';

/** A table of the store as the database itself describes it (not as the code's types say). */
export interface StoreTable {
  name: string;
  columns: Array<{ name: string; dataType: string }>;
  /** Its primary key's columns, in key order; empty when it has none. */
  primaryKey: string[];
  /** The tables its foreign keys point at. */
  references: string[];
}

/**
 * The store's own tables (Kysely's migration bookkeeping left out), read from the database, so
 * a table or column a later migration adds is known without anyone listing it. PostgreSQL: the
 * tables of the connection's current schema only.
 */
export async function storeTables(store: Store): Promise<StoreTable[]> {
  const schema = store.dialect === 'postgres' ? await currentSchema(store.db) : undefined;
  const tables = (await store.db.introspection.getTables()).filter((t) => !t.isView && (schema === undefined || t.schema === schema));
  const described: StoreTable[] = [];
  for (const table of tables) {
    const { primaryKey, references } = store.dialect === 'sqlite' ? await sqliteKeys(store.db, table.name) : await postgresKeys(store.db, schema!, table.name);
    described.push({ name: table.name, columns: table.columns.map((c) => ({ name: c.name, dataType: c.dataType })), primaryKey, references });
  }
  return described.sort((a, b) => a.name.localeCompare(b.name));
}

/** Tables in an order where every table comes after those its foreign keys point at (so inserts never dangle). */
export function foreignKeyOrder(tables: StoreTable[]): StoreTable[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const ordered: StoreTable[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (table: StoreTable, path: string[]) => {
    if (state.get(table.name) === 'done') return;
    if (state.get(table.name) === 'visiting')
      throw new Error(`The store's foreign keys go round in a circle (${[...path, table.name].join(' → ')}); its tables cannot be copied in order.`);
    state.set(table.name, 'visiting');
    for (const referenced of table.references) {
      const target = byName.get(referenced);
      if (target && referenced !== table.name) visit(target, [...path, table.name]);
    }
    state.set(table.name, 'done');
    ordered.push(table);
  };
  for (const table of tables) visit(table, []);
  return ordered;
}

export async function currentSchema<DB>(db: Kysely<DB>): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return rows[0]!.schema;
}

async function sqliteKeys<DB>(db: Kysely<DB>, table: string): Promise<Pick<StoreTable, 'primaryKey' | 'references'>> {
  const columns = await sql<{ name: string; pk: number }>`select name, pk from pragma_table_info(${table}) where pk > 0 order by pk`.execute(db);
  const references = await sql<{ table: string }>`select distinct "table" from pragma_foreign_key_list(${table})`.execute(db);
  return { primaryKey: columns.rows.map((c) => c.name), references: references.rows.map((r) => r.table) };
}

async function postgresKeys<DB>(db: Kysely<DB>, schema: string, table: string): Promise<Pick<StoreTable, 'primaryKey' | 'references'>> {
  const keys = await sql<{ kind: string; column: string | null; referenced: string | null }>`
    select c.contype as kind, a.attname as "column", ref.relname as referenced
    from pg_constraint c
    join pg_class t on t.oid = c.conrelid
    join pg_namespace n on n.oid = t.relnamespace
    left join pg_class ref on ref.oid = c.confrelid
    cross join lateral unnest(c.conkey) with ordinality as k(attnum, position)
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
    where c.contype in ('p', 'f') and n.nspname = ${schema} and t.relname = ${table}
    order by c.contype, k.position`.execute(db);
  return {
    primaryKey: keys.rows.filter((k) => k.kind === 'p').map((k) => k.column!),
    references: [...new Set(keys.rows.filter((k) => k.kind === 'f').map((k) => k.referenced!))],
  };
}
