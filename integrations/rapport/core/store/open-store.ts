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
  /** Postgres only: where a lost database connection (once per outage) and its return are reported. @default console.error */
  log?: ((line: string) => void) | undefined;
}

/** Opens the CRM store: PostgreSQL when `databaseUrl` is set, else the embedded SQLite file. */
export function openStore(options: StoreOptions = {}): Store {
  if (options.databaseUrl) {
    const url = new URL(options.databaseUrl);
    if (!/^postgres(ql)?:$/.test(url.protocol)) throw new Error(`DATABASE_URL must start with postgres://, got ${url.protocol}//…`);
    const location = `${url.host}${url.pathname}`;
    const pool = postgresPool(options.databaseUrl, location, options.schema, options.log ?? ((line) => console.error(line)));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', location, close: () => db.destroy() };
  }
  const file = options.sqliteFile ?? 'var/rapport.sqlite';
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: openSqlite(file) }) });
  return { db, dialect: 'sqlite', location: file, close: () => db.destroy() };
}

/**
 * The connection pool, made to outlive the database going away (restart, failover, network cut).
 * A pooled connection that breaks emits 'error' — on the pool when it was idle, on the client
 * itself when it was checked out (a transaction between two statements) — and an 'error' nobody
 * listens to ends the process. Both are heard here and logged once per outage. The broken
 * connection is dropped (pg-pool removes an idle one at once and a checked-out one when it is
 * released, as it is no longer queryable), so while the database is away every query fails fast
 * (form posts answer 503) and the first query after it is back opens a fresh connection: no
 * restart needed.
 */
function postgresPool(connectionString: string, location: string, schema: string | undefined, log: (line: string) => void): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    // An unreachable server (or a pool with every connection busy) fails the query in seconds
    // rather than holding the visitor's request until the OS gives up on the TCP connect.
    connectionTimeoutMillis: 5_000,
    // Detect a connection that died without a word (failover, a firewall dropping idle flows).
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  let lost = false;
  const onError = (error: Error) => {
    if (lost) return;
    lost = true;
    log(
      `PostgreSQL connection lost (${location}): ${error.message}. Until it is back, whatever needs the database fails (form posts answer 503, nothing is stored); the server carries on and reconnects by itself.`,
    );
  };
  pool.on('error', onError);
  pool.on('connect', (client) => {
    // Stays for the client's life: the pool listens only while the client is idle.
    client.on('error', onError);
    if (lost) {
      lost = false;
      log(`PostgreSQL connection is back (${location}).`);
    }
  });
  return pool;
}
