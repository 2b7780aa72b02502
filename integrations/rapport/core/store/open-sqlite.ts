import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/** Pragmas set on every connection; `checkSqlitePragmas` proves they hold. */
const PRAGMAS = ['journal_mode = WAL', 'synchronous = FULL', 'foreign_keys = ON', 'busy_timeout = 5000'];

/**
 * Opens the embedded database with durable settings: write-ahead log, a full fsync on every
 * commit (a 303 is only sent after the row is on disk), foreign keys enforced.
 */
export function openSqlite(file: string): DatabaseSync {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new DatabaseSync(file);
  for (const pragma of PRAGMAS) db.exec(`PRAGMA ${pragma}`);
  checkSqlitePragmas(db);
  // SQLite's advice for a long-lived connection: gather the statistics its planner needs (a
  // quick, bounded pass) so indexes are chosen well on a big store.
  db.exec('PRAGMA optimize=0x10002');
  return db;
}

/** Throws unless the connection really runs with the durable settings. */
export function checkSqlitePragmas(db: DatabaseSync): void {
  const read = (name: string) => Object.values(db.prepare(`PRAGMA ${name}`).get() ?? {})[0];
  const actual = { journal_mode: read('journal_mode'), synchronous: read('synchronous'), foreign_keys: read('foreign_keys') };
  // synchronous: 2 = FULL.
  if (actual.journal_mode !== 'wal' || actual.synchronous !== 2 || actual.foreign_keys !== 1) {
    throw new Error(
      `The SQLite database does not hold Rapport's durability settings (got ${JSON.stringify(actual)}; need journal_mode=wal, synchronous=2 (FULL), foreign_keys=1). ` +
        'Check that the file is on a local filesystem that supports WAL.',
    );
  }
}
