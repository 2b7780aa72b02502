import { Kysely, PostgresDialect } from 'kysely';
import { SqliteDialect } from 'kysely-sqlite';
import pg from 'pg';
import { openSqlite } from './open-sqlite.ts';
import type { Database } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where it lives, for logs: the SQLite file or the Postgres host/database (no password). */
  location: string;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** `postgres://…`; when absent the embedded SQLite file is used. */
  databaseUrl?: string | undefined;
  /** @default 'var/rapport.sqlite' */
  sqliteFile?: string | undefined;
  /** Postgres only: a schema to use instead of `public` (tests use one schema per run). */
  schema?: string | undefined;
}

/** Opens the CRM store: PostgreSQL when `databaseUrl` is set, else the embedded SQLite file. */
export function openStore(options: StoreOptions = {}): Store {
  if (options.databaseUrl) {
    const url = new URL(options.databaseUrl);
    if (!/^postgres(ql)?:$/.test(url.protocol)) throw new Error(`DATABASE_URL must start with postgres://, got ${url.protocol}//…`);
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', location: `${url.host}${url.pathname}`, close: () => db.destroy() };
  }
  const file = options.sqliteFile ?? 'var/rapport.sqlite';
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: openSqlite(file) }) });
  return { db, dialect: 'sqlite', location: file, close: () => db.destroy() };
}
