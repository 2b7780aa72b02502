import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { openSqlite } from './open-sqlite.ts';
import { GroupCommitDialect, sharedCommitter, type GroupCommitOptions, type GroupCommitStats } from './sqlite-group-commit.ts';
import type { Database } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where it lives, for logs: the SQLite file or the Postgres host/database (no password). */
  location: string;
  close(): Promise<void>;
  /** SQLite: units of work run and COMMITs issued so far on this file's connection (for tests and benchmarks). */
  commits?: GroupCommitStats | undefined;
}

export interface StoreOptions {
  /** `postgres://…`; when absent the embedded SQLite file is used. */
  databaseUrl?: string | undefined;
  /** @default 'var/rapport.sqlite' */
  sqliteFile?: string | undefined;
  /** Postgres only: a schema to use instead of `public` (tests use one schema per run). */
  schema?: string | undefined;
  /**
   * SQLite only: writes that arrive together share one transaction and one fsync (each caller is
   * still answered after its own writes are durable). `false` commits each on its own (benchmarks'
   * one-commit-per-request baseline). @default true
   */
  groupCommit?: boolean | GroupCommitOptions | undefined;
  /** Postgres only: where a lost database connection (once per outage) and its return are reported. @default console.error */
  log?: ((line: string) => void) | undefined;
}

/** Opens the CRM store: PostgreSQL when `databaseUrl` is set, else the embedded SQLite file. */
export function openStore(options: StoreOptions = {}): Store {
  if (options.databaseUrl) {
    const url = new URL(options.databaseUrl);
    if (!/^postgres(ql)?:$/.test(url.protocol)) throw new Error(`DATABASE_URL must start with postgres://, got ${url.protocol}//…`);
    const location = `${url.host}${url.pathname}`;
    const outage = outageReporter(location, options.log ?? ((line: string) => console.error(line)));
    const pool = postgresPool(options.databaseUrl, options.schema, outage);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    // The counters' own connections commit without waiting for the WAL flush (a session setting,
    // so a counter is one statement, not begin/set/write/commit): the submission's commit that
    // follows flushes the log up to its own record, the counter's included.
    const relaxedPool = postgresPool(options.databaseUrl, options.schema, outage, { max: 3, relaxed: true });
    const relaxed = new Kysely<Database>({ dialect: new PostgresDialect({ pool: relaxedPool }) });
    relaxedWriters.set(db, (write) => write(relaxed));
    const close = async () => {
      await Promise.all([db.destroy(), relaxed.destroy()]);
    };
    return { db, dialect: 'postgres', location, close };
  }
  const file = options.sqliteFile ?? 'var/rapport.sqlite';
  const grouping = options.groupCommit ?? true;
  const committer = sharedCommitter(file, () => openSqlite(file), typeof grouping === 'object' ? grouping : { grouping });
  const db = new Kysely<Database>({ dialect: new GroupCommitDialect(committer) });
  const relaxed = new Kysely<Database>({ dialect: new GroupCommitDialect(committer, { relaxed: true }) });
  relaxedWriters.set(db, (write) => write(relaxed));
  return { db, dialect: 'sqlite', location: file, close: () => db.destroy(), commits: committer.stats };
}

const relaxedWriters = new WeakMap<Kysely<Database>, <T>(write: (db: Kysely<Database>) => Promise<T>) => Promise<T>>();

/**
 * Runs a write nobody is told was stored (a rate-limit counter) without waiting for its own
 * fsync: on SQLite it joins the open batch and becomes durable with it; on PostgreSQL it commits
 * without waiting for the log flush, which the next ordinary commit does. A crash may lose it,
 * which lets one more post through; it never loses a submission. Other stores: a plain write.
 */
export function writeRelaxed<T>(db: Kysely<Database>, write: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const writer = relaxedWriters.get(db);
  return writer ? writer(write) : write(db);
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
function postgresPool(connectionString: string, schema: string | undefined, outage: OutageReporter, { max = 10, relaxed = false } = {}): pg.Pool {
  const settings = [...(schema ? [`search_path=${schema}`] : []), ...(relaxed ? ['synchronous_commit=off'] : [])];
  const pool = new pg.Pool({
    connectionString,
    max,
    // An unreachable server (or a pool with every connection busy) fails the query in seconds
    // rather than holding the visitor's request until the OS gives up on the TCP connect.
    connectionTimeoutMillis: 5_000,
    // Detect a connection that died without a word (failover, a firewall dropping idle flows).
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    ...(settings.length ? { options: settings.map((setting) => `-c ${setting}`).join(' ') } : {}),
  });
  pool.on('error', outage.onError);
  pool.on('connect', (client) => {
    // Stays for the client's life: the pool listens only while the client is idle.
    client.on('error', outage.onError);
    outage.onConnect();
  });
  return pool;
}

interface OutageReporter {
  onError(error: Error): void;
  onConnect(): void;
}

/** One report per outage and one when it ends, whichever of the store's pools sees it first. */
function outageReporter(location: string, log: (line: string) => void): OutageReporter {
  let lost = false;
  return {
    onError(error) {
      if (lost) return;
      lost = true;
      log(
        `PostgreSQL connection lost (${location}): ${error.message}. Until it is back, whatever needs the database fails (form posts answer 503, nothing is stored); the server carries on and reconnects by itself.`,
      );
    },
    onConnect() {
      if (!lost) return;
      lost = false;
      log(`PostgreSQL connection is back (${location}).`);
    },
  };
}
