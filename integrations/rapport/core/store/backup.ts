import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { copyStore, CopyRefused, rowCounts } from './copy-store.ts';
import { migrateToLatest } from './migrate.ts';
import { openStore, type Store } from './open-store.ts';
import { currentSchema, storeTables } from './store-tables.ts';

/**
 * Backups of the CRM store in each database's own format: SQLite's `VACUUM INTO` (a consistent
 * copy taken while the server keeps writing) and PostgreSQL's `pg_dump` custom format, restored
 * with `pg_restore`. Nothing home-made: the file is what those tools make and read.
 */
export interface BackupOptions {
  /** The store's `postgres://` address (pg_dump and psql connect by themselves). */
  databaseUrl?: string | undefined;
  /** Backup: overwrite an existing file. Restore: replace a store that holds data. */
  replace?: boolean | undefined;
}

export interface BackupSummary {
  file: string;
  bytes: number;
  format: 'sqlite' | 'pg_dump';
  /** The last migration the backed-up store had run. */
  version: string;
}

export interface RestoreSummary {
  format: 'sqlite' | 'pg_dump';
  /** Rows per table in the store after the restore. */
  tables: Array<{ name: string; rows: number }>;
  /** Rows the store held before, which the restore replaced. */
  replaced: number;
}

/** A backup or restore that was not attempted, with the reason for the person at the terminal. */
export class BackupRefused extends Error {}

const run = promisify(execFile);

/** Writes a backup of the store to `file` (through a temporary name, so a failed backup never leaves a truncated file under the real one). */
export async function backupStore(store: Store, file: string, options: BackupOptions = {}): Promise<BackupSummary> {
  if (existsSync(file) && !options.replace) throw new BackupRefused(`${file} already exists; not overwriting it. Give a new name, or add --replace.`);
  const partial = `${file}.partial`;
  await mkdir(path.dirname(file), { recursive: true });
  await rm(partial, { force: true });
  try {
    let version: string;
    if (store.dialect === 'sqlite') {
      // A VACUUM INTO reads one snapshot of the database, as any reader does, while writers go on.
      await sql`vacuum into ${partial}`.execute(store.db);
      version = checkSqliteBackup(partial).version;
    } else {
      const url = requireUrl(options);
      await tool('pg_dump', ['--format=custom', `--schema=${await currentSchema(store.db)}`, `--file=${partial}`, `--dbname=${url}`]);
      await readDump(partial);
      const { rows } = await sql<{ name: string | null }>`select max(name) as name from kysely_migration`.execute(store.db);
      version = rows[0]?.name ?? 'none';
    }
    // It holds the customers' personal data: readable by the store's owner only, whatever the umask.
    await chmod(partial, 0o600);
    await rename(partial, file);
    return { file, bytes: (await stat(file)).size, format: store.dialect === 'sqlite' ? 'sqlite' : 'pg_dump', version };
  } finally {
    await rm(partial, { force: true });
  }
}

/**
 * Puts a backup's data back into the store. A store that holds data is refused unless
 * `replace`. An SQLite backup is copied in (in one transaction, after bringing a copy of it up to
 * this version), so it also restores into PostgreSQL; a pg_dump file goes through `pg_restore`
 * and `psql`, in one transaction. Either way the store is then migrated to this version.
 */
export async function restoreStore(store: Store, file: string, options: BackupOptions = {}): Promise<RestoreSummary> {
  const format = await formatOf(file);
  if (format === 'pg_dump' && store.dialect === 'sqlite')
    throw new BackupRefused(
      `${file} is a PostgreSQL dump and this store is SQLite. Restore it into PostgreSQL (DATABASE_URL=postgres://… npx rapport store restore ${file}), then copy that into SQLite with npx rapport store copy --to <file.sqlite>.`,
    );
  // Checked before the store is looked at, so a wrong file never leads to asking for --replace.
  const dump = format === 'pg_dump' ? await readDump(file) : (checkSqliteBackup(file), undefined);
  const tables = await storeTables(store);
  const replaced = (await rowCounts(store.db, tables)).reduce((sum, t) => sum + t.rows, 0);
  if (replaced > 0 && !options.replace)
    throw new BackupRefused(
      `The store (${store.location}) holds data (${replaced} rows). Restoring replaces all of it with the backup's. Nothing was changed. If that is what you want, back it up first (npx rapport store backup <file>), then run the restore again with --replace.`,
    );

  if (format === 'sqlite') await restoreSqliteBackup(store, file);
  else await restoreDump(store, file, dump!, requireUrl(options));
  await migrateToLatest(store);
  return { format, tables: await rowCounts(store.db, await storeTables(store)), replaced };
}

/**
 * pg_restore writes the dump out as SQL, and psql runs it in one transaction after dropping the
 * store's tables: its own `--clean` drops only what the dump holds, so a table a newer version
 * added (pointing at contacts) would stop an older backup from going back. The schema itself is
 * left alone, and so are owners and grants (the tables become the restoring role's, as a new server's roles differ).
 */
async function restoreDump(store: Store, file: string, dump: { list: string[]; schema: string | undefined }, url: string): Promise<void> {
  const schema = await currentSchema(store.db);
  if (dump.schema && dump.schema !== schema)
    throw new BackupRefused(
      `${file} holds the schema "${dump.schema}" and this store uses "${schema}"; restoring it would not reach this store. Nothing was changed.`,
    );
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rapport-restore-'));
  try {
    const list = path.join(dir, 'objects.list');
    await writeFile(list, dump.list.filter((line) => !/^\d+; \d+ \d+ (COMMENT - )?SCHEMA - /.test(line)).join('\n'));
    const script = path.join(dir, 'restore.sql');
    await tool('pg_restore', ['--clean', '--if-exists', '--no-owner', '--no-privileges', `--use-list=${list}`, `--file=${script}`, file]);
    const tables = (await store.db.introspection.getTables({ withInternalKyselyTables: true })).filter((t) => t.schema === schema && !t.isView);
    const drops = path.join(dir, 'drop.sql');
    await writeFile(drops, tables.map((t) => `${store.db.withSchema(schema).schema.dropTable(t.name).ifExists().cascade().compile().sql};`).join('\n'));
    await tool('psql', ['--no-psqlrc', '--quiet', '--single-transaction', '--set=ON_ERROR_STOP=1', `--file=${drops}`, `--file=${script}`, `--dbname=${url}`]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function restoreSqliteBackup(store: Store, file: string): Promise<void> {
  // Work on a copy: opening a store writes to it (its journal, migrations), and the backup must stay as it was.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rapport-restore-'));
  const copy = path.join(dir, 'backup.sqlite');
  await copyFile(file, copy);
  const backup = openStore({ sqliteFile: copy, groupCommit: false });
  try {
    await migrateToLatest(backup);
    await copyStore(backup, store, { replace: true });
  } catch (error) {
    if (error instanceof CopyRefused) throw new BackupRefused(error.message);
    throw error;
  } finally {
    await backup.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function formatOf(file: string): Promise<'sqlite' | 'pg_dump'> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new BackupRefused(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
  }
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(16), 0, 16, 0);
    const head = buffer.subarray(0, bytesRead).toString('latin1');
    if (head === 'SQLite format 3\0') return 'sqlite';
    if (head.startsWith('PGDMP')) return 'pg_dump';
  } finally {
    await handle.close();
  }
  throw new BackupRefused(`${file} is neither an SQLite database nor a pg_dump custom-format file; it is not a backup made by npx rapport store backup.`);
}

/** Opens an SQLite backup read-only and checks it is whole and is a Rapport store. */
function checkSqliteBackup(file: string): { version: string } {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(file, { readOnly: true });
    const integrity = db.prepare('pragma integrity_check').get() as { integrity_check: string };
    if (integrity.integrity_check !== 'ok') throw new BackupRefused(`${file} is damaged (SQLite's integrity check: ${integrity.integrity_check}).`);
    const hasMigrations = db.prepare(`select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'`).get();
    const last = hasMigrations ? (db.prepare('select max(name) as name from kysely_migration').get() as { name: string | null }).name : null;
    if (!last) throw new BackupRefused(`${file} is an SQLite database but not a Rapport store (it has no migrations table).`);
    return { version: last };
  } catch (error) {
    if (error instanceof BackupRefused) throw error;
    // A file cut short (a full disk, an interrupted copy) fails before the integrity check can answer.
    throw new BackupRefused(`${file} is damaged (${error instanceof Error ? error.message : String(error)}); it cannot be restored.`);
  } finally {
    db?.close();
  }
}

/** A pg_dump file's table of contents (pg_restore reads it without connecting): the schema it holds and whether it is a Rapport store. */
async function readDump(file: string): Promise<{ list: string[]; schema: string | undefined }> {
  const { stdout } = await tool('pg_restore', ['--list', file]);
  const list = stdout.split('\n');
  const schema = list.map((line) => /^\d+; \d+ \d+ SCHEMA - (\S+)/.exec(line)?.[1]).find(Boolean);
  if (!list.some((line) => / TABLE \S+ kysely_migration /.test(line)))
    throw new BackupRefused(`${file} is a PostgreSQL dump but not of a Rapport store (it has no migrations table).`);
  return { list, schema };
}

function requireUrl(options: BackupOptions): string {
  if (!options.databaseUrl) throw new Error('The PostgreSQL store needs its address (DATABASE_URL) for pg_dump and psql.');
  return options.databaseUrl;
}

/** Runs one of PostgreSQL's client programs, turning "not installed" and its complaints into messages. */
async function tool(name: 'pg_dump' | 'pg_restore' | 'psql', args: string[]): Promise<{ stdout: string }> {
  try {
    return await run(name, args, { maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT')
      throw new BackupRefused(
        `${name} is not installed. Install PostgreSQL's client programs, the server's major version or newer (Debian, Ubuntu: apt install postgresql-client).`,
      );
    throw new Error(`${name} failed: ${(e.stderr ?? e.message).trim()}`, { cause: error });
  }
}
