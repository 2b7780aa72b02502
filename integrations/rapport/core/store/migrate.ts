import { Migrator, type Migration } from 'kysely';
import lockfile from 'proper-lockfile';
import * as crm from './migrations/0001-crm.ts';
import type { Store } from './open-store.ts';

/** Versioned migrations, in order. Names are permanent: never rename or edit a shipped one. */
function migrations(store: Store): Record<string, Migration> {
  return {
    '0001-crm': { up: (db) => crm.up(db, store.dialect) },
  };
}

/**
 * Brings the schema up to date. Safe when several servers start at once: PostgreSQL serialises
 * migrators with an advisory lock (Kysely) inside one transaction; for SQLite, which has no such
 * lock, a lock file beside the database does the same across processes.
 */
export async function migrateToLatest(store: Store): Promise<string[]> {
  const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => migrations(store) } });
  const release =
    store.dialect === 'sqlite'
      ? await lockfile.lock(store.location, { realpath: false, stale: 30_000, retries: { retries: 60, minTimeout: 50, maxTimeout: 500 } })
      : undefined;
  try {
    const { error, results = [] } = await migrator.migrateToLatest();
    if (error) throw new Error(`Migrating the CRM store (${store.location}) failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
  } finally {
    await release?.();
  }
}
