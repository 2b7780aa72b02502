import path from 'node:path';
import { sql } from 'kysely';
import type { CliCommand } from '../core/feature.ts';
import { backupStore, BackupRefused, restoreStore } from '../core/store/backup.ts';
import { copyStore, CopyRefused } from '../core/store/copy-store.ts';
import { openStore, type Store } from '../core/store/open-store.ts';

/** `npx rapport store copy|backup|restore`: moving the CRM store and keeping copies of it (core's own commands). */
export const storeCommand: CliCommand = {
  group: 'store',
  usage: `  npx rapport store copy --to <postgres://…|file.sqlite> [--replace]
      Copies every table of the store into another one (SQLite into PostgreSQL, or back), migrated
      to this version first, then counts each table's rows on both sides. A target that already
      holds data is refused unless --replace (which empties it first). Stop the servers first:
      what they write during the copy is not in it.
  npx rapport store backup <file> [--replace]
      Writes a backup: SQLite with VACUUM INTO (safe while the server runs), PostgreSQL with
      pg_dump in its custom format. Refuses to overwrite an existing file unless --replace.
  npx rapport store restore <file> [--replace]
      Puts a backup back (stop the servers first). A store that holds data is refused unless
      --replace: everything in it is then replaced by the backup's data.`,
  options: { to: { type: 'string' }, replace: { type: 'boolean' } },
  run: async (command, args, values, env) => {
    const replace = values.replace === true;
    const databaseUrl = process.env.DATABASE_URL || undefined;
    try {
      if (command === 'copy') return await copy(env.store, typeof values.to === 'string' ? values.to : undefined, replace);
      if (command !== 'backup' && command !== 'restore') {
        console.error(`Unknown command "store ${command}".\n\n${env.usage}`);
        return 2;
      }
      const [file] = args;
      if (!file) {
        console.error(`Which file? npx rapport store ${command} <file>`);
        return 2;
      }
      if (command === 'backup') {
        const done = await backupStore(env.store, path.resolve(file), { databaseUrl, replace });
        console.log(
          `Backed up ${env.store.location} (version ${done.version}) to ${done.file}: ${(done.bytes / 1024).toFixed(0)} KB, ${done.format === 'sqlite' ? 'an SQLite database' : "pg_dump's custom format"}.`,
        );
        return 0;
      }
      const done = await restoreStore(env.store, path.resolve(file), { databaseUrl, replace });
      printCounts(done.tables.map((t) => ({ name: t.name, rows: t.rows })));
      console.log(
        `Restored ${file} into ${env.store.location}${done.replaced > 0 ? `, replacing the ${done.replaced} rows it held` : ''}. Start the servers you stopped.`,
      );
      return 0;
    } catch (error) {
      if (error instanceof CopyRefused || error instanceof BackupRefused) {
        console.error(error.message);
        return 1;
      }
      throw error;
    }
  },
};

async function copy(source: Store, to: string | undefined, replace: boolean): Promise<number> {
  if (!to) {
    console.error('Copy to where? npx rapport store copy --to postgres://user@host/database, or --to path/to/file.sqlite');
    return 2;
  }
  const postgres = /^postgres(ql)?:\/\//.test(to);
  const where = postgres ? to.replace(/:[^:@/]*@/, ':…@') : path.resolve(to);
  const cannotOpen = (error: unknown) => {
    console.error(`Cannot open the target (${where}): ${error instanceof Error ? error.message : String(error)}. Nothing was copied.`);
    return 1;
  };
  let target: Store;
  try {
    target = postgres ? openStore({ databaseUrl: to }) : openStore({ sqliteFile: path.resolve(to) });
  } catch (error) {
    return cannotOpen(error);
  }
  try {
    try {
      await sql`select 1`.execute(target.db);
    } catch (error) {
      return cannotOpen(error);
    }
    console.log(`Copying ${source.location} (${source.dialect}) into ${target.location} (${target.dialect})…`);
    const tables = await copyStore(source, target, { replace });
    printCounts(tables.map((t) => ({ name: t.name, rows: t.target, source: t.source })));
    const rows = tables.reduce((sum, t) => sum + t.target, 0);
    console.log(
      `Copied ${rows} rows in ${tables.length} tables; every table's count matches the source. Point the servers at ${target.dialect === 'postgres' ? `it with DATABASE_URL=${where}` : `it (it is a store file; move it to var/rapport.sqlite)`}.`,
    );
    return 0;
  } finally {
    await target.close();
  }
}

function printCounts(tables: Array<{ name: string; rows: number; source?: number }>): void {
  const width = Math.max(...tables.map((t) => t.name.length));
  const copied = tables.some((t) => t.source !== undefined);
  console.log(`  ${'table'.padEnd(width)}  ${copied ? '  source    copied' : '    rows'}`);
  for (const t of [...tables].sort((a, b) => a.name.localeCompare(b.name)))
    console.log(`  ${t.name.padEnd(width)}  ${copied ? `${String(t.source).padStart(8)}  ` : ''}${String(t.rows).padStart(8)}`);
}
