import { Migrator, sql, type Migration, type MigrationResultSet } from 'kysely';
import lockfile from 'proper-lockfile';
import * as crm from './migrations/0001-crm.ts';
import * as rateLimits from './migrations/0002-rate-limits.ts';
import * as faqQuestions from './migrations/0003-faq-questions.ts';
import * as orders from './migrations/0004-orders.ts';
import * as confirmedAddresses from './migrations/0005-confirmed-addresses.ts';
import * as staffConsole from './migrations/0006-console.ts';
import * as campaigns from './migrations/0007-campaigns.ts';
import * as privacyRights from './migrations/0008-privacy-rights.ts';
import * as languages from './migrations/0009-languages.ts';
import * as winback from './migrations/0013-winback.ts';
import * as campaignSegments from './migrations/0014-campaign-segments.ts';
import * as visitCounts from './migrations/0015-visit-counts.ts';
import * as surveyAnswers from './migrations/0016-survey-answers.ts';
import * as wishlist from './migrations/0010-wishlist.ts';
import * as reorder from './migrations/0011-reorder.ts';
import * as careReminders from './migrations/0012-care-reminders.ts';
import type { Store } from './open-store.ts';

/** Versioned migrations, in order. Names are permanent: never rename or edit a shipped one. */
function migrations(store: Store): Record<string, Migration> {
  return {
    '0001-crm': { up: (db) => crm.up(db, store.dialect) },
    '0002-rate-limits': { up: (db) => rateLimits.up(db) },
    '0003-faq-questions': { up: (db) => faqQuestions.up(db) },
    '0004-orders': { up: (db) => orders.up(db) },
    '0005-confirmed-addresses': { up: (db) => confirmedAddresses.up(db) },
    '0006-console': { up: (db) => staffConsole.up(db, store.dialect) },
    '0007-campaigns': { up: (db) => campaigns.up(db) },
    '0008-privacy-rights': { up: (db) => privacyRights.up(db, store.dialect) },
    '0009-languages': { up: (db) => languages.up(db) },
    '0013-winback': { up: (db) => winback.up(db) },
    '0014-campaign-segments': { up: (db) => campaignSegments.up(db) },
    '0015-visit-counts': { up: (db) => visitCounts.up(db) },
    '0016-survey-answers': { up: (db) => surveyAnswers.up(db) },
    '0010-wishlist': { up: (db) => wishlist.up(db) },
    '0011-reorder': { up: (db) => reorder.up(db) },
    '0012-care-reminders': { up: (db) => careReminders.up(db) },
  };
}

/**
 * Brings the schema up to date. Safe when several servers start at once: PostgreSQL serialises
 * migrators with an advisory lock (Kysely) inside one transaction; for SQLite, which has no such
 * lock, a lock file beside the database does the same across processes.
 */
export function migrateToLatest(store: Store): Promise<string[]> {
  return migrate(store, (migrator) => migrator.migrateToLatest());
}

/** Brings the schema to one named migration (as an older version of Rapport left it: tests of upgrades and restores). */
export function migrateTo(store: Store, name: string): Promise<string[]> {
  return migrate(store, (migrator) => migrator.migrateTo(name));
}

async function migrate(store: Store, run: (migrator: Migrator) => Promise<MigrationResultSet>): Promise<string[]> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one; another
  // schema's tables (a second site, a test run) would then be taken for ours. Pin it to ours.
  const migrationTableSchema =
    store.dialect === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db)).rows[0]?.schema : undefined;
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrations(store) },
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  const release =
    store.dialect === 'sqlite'
      ? await lockfile.lock(store.location, { realpath: false, stale: 30_000, retries: { retries: 60, minTimeout: 50, maxTimeout: 500 } })
      : undefined;
  try {
    const { error, results = [] } = await run(migrator);
    if (error)
      throw new Error(`Migrating the CRM store (${store.location}) failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
  } finally {
    await release?.();
  }
}
