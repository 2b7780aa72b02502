import { sql } from 'kysely';
import type { Store, StoreOptions } from '../../integrations/rapport/core/store/open-store.ts';

export interface TableShape {
  name: string;
  columns: Array<{ name: string; text: boolean }>;
  /** Its foreign keys: `column` holds a value of `table`.`to`. */
  references: Array<{ column: string; table: string; to: string }>;
}

/**
 * The store's tables as the database itself describes them (not as the code's types say), so a
 * test built on them notices a table or column nobody told it about. Kysely's own bookkeeping
 * tables included.
 */
export async function storeTables(store: Store, options: StoreOptions): Promise<TableShape[]> {
  // PostgreSQL lists every schema's tables; other test files migrate their own schemas meanwhile.
  const schema = options.schema;
  const tables = (await store.db.introspection.getTables({ withInternalKyselyTables: true })).filter((t) => store.dialect === 'sqlite' || t.schema === schema);
  const shapes: TableShape[] = [];
  for (const table of tables) {
    const references =
      store.dialect === 'sqlite'
        ? (
            await sql<{
              column: string;
              table: string;
              to: string;
            }>`select "from" as "column", "table", "to" from pragma_foreign_key_list(${table.name})`.execute(store.db)
          ).rows
        : (
            await sql<{ column: string; table: string; to: string }>`
              select a.attname as "column", ref.relname as "table", ra.attname as "to"
              from pg_constraint c
              join pg_class t on t.oid = c.conrelid
              join pg_namespace n on n.oid = t.relnamespace
              join pg_class ref on ref.oid = c.confrelid
              cross join lateral unnest(c.conkey, c.confkey) as k(f, r)
              join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.f
              join pg_attribute ra on ra.attrelid = c.confrelid and ra.attnum = k.r
              where c.contype = 'f' and n.nspname = ${schema} and t.relname = ${table.name}`.execute(store.db)
          ).rows;
    shapes.push({
      name: table.name,
      columns: table.columns.map((c) => ({ name: c.name, text: /text|char|json/i.test(c.dataType) })),
      references,
    });
  }
  return shapes.sort((a, b) => a.name.localeCompare(b.name));
}

/** Every row of every table, as JSON-ready values, by table: a snapshot to compare a store against later. */
export async function storeSnapshot(store: Store, options: StoreOptions): Promise<Record<string, Array<Record<string, string | null>>>> {
  const snapshot: Record<string, Array<Record<string, string | null>>> = {};
  for (const table of await storeTables(store, options)) {
    if (table.name.startsWith('kysely_')) continue;
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table.name)}`.execute(store.db);
    const key = (r: Record<string, unknown>) => JSON.stringify(table.columns.map((c) => String(r[c.name])));
    snapshot[table.name] = rows.rows
      .map((r) => Object.fromEntries(table.columns.map((c) => [c.name, r[c.name] === null ? null : String(r[c.name])])))
      .sort((a, b) => key(a).localeCompare(key(b)));
  }
  return snapshot;
}
