import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOptions } from '../../integrations/rapport/config/parse-options.ts';
import { erasePerson } from '../../integrations/rapport/core/privacy/erasure.ts';
import { backupStore, BackupRefused, restoreStore } from '../../integrations/rapport/core/store/backup.ts';
import { appendConsent, consentHistory, upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { copyStore, CopyRefused, rowCounts } from '../../integrations/rapport/core/store/copy-store.ts';
import { migrateTo, migrateToLatest } from '../../integrations/rapport/core/store/migrate.ts';
import { openStore, type Store } from '../../integrations/rapport/core/store/open-store.ts';
import { storeTables } from '../../integrations/rapport/core/store/store-tables.ts';
import { personalDeclarations } from '../../integrations/rapport/features/privacy/personal-declarations.ts';
import { richPerson, SECRET, sentCampaign, testServices, type PersonDetails } from '../helpers/rich-person.ts';
import { signedIn } from '../helpers/staff.ts';
import { storeSnapshot } from '../helpers/store-schema.ts';
import { TEST_OPTIONS } from '../helpers/test-options.ts';

// The copy is between SQLite and PostgreSQL, so this file needs both: it fails, never skips, without the server.
const PG_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const config = parseOptions({ ...TEST_OPTIONS, crm: { campaigns: { clicks: 'per-person', opens: true } } });
const now = new Date('2026-06-15T12:00:00.000Z');

const person = (name: string, email: string, postal: string): PersonDetails => ({
  name,
  email,
  organisation: `${name.split(' ')[1]} Gardens`,
  phone: '403-555-0142',
  street: `${postal.length} Orchard Road`,
  postal,
  message: `Does ${name} need heavier soil for tulips?`,
  details: 'The field floods every April.',
  publishedQuestion: `When should ${name.split(' ')[0]}'s alliums go in?`,
});

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A PostgreSQL schema of this test's own, and the address that reaches it (the way a user passes one on the command line). */
function pgSchema() {
  const schema = `rapport_copy_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { schema, url: url.href, open: () => openStore({ databaseUrl: PG_URL, schema }) };
}

const cli = (cwd: string, env: Record<string, string>, ...args: string[]) =>
  promisify(execFile)(process.execPath, [path.resolve('integrations/rapport/cli/rapport.ts'), ...args], {
    cwd,
    env: { ...process.env, DATABASE_URL: '', ...env },
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

/** A store as an older Rapport left it: the first six migrations (before campaigns and privacy rights). */
async function olderStore(store: Store): Promise<void> {
  await migrateTo(store, '0006-console');
  await sql`insert into contacts (id, email, name, kind, created_at, updated_at) values ('old-1', 'old@example.com', 'Olde', 'customer', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')`.execute(
    store.db,
  );
}

/** Every integer column holds integers (not text that looks like one), on SQLite, where a column's type does not enforce it. */
async function integersAreIntegers(store: Store): Promise<Record<string, number>> {
  const wrong: Record<string, number> = {};
  for (const table of await storeTables(store))
    for (const column of table.columns.filter((c) => /int/i.test(c.dataType))) {
      const { rows } = await sql<{
        n: number;
      }>`select count(*) as n from ${sql.table(table.name)} where typeof(${sql.ref(column.name)}) not in ('integer', 'null')`.execute(store.db);
      if (rows[0]!.n > 0) wrong[`${table.name}.${column.name}`] = rows[0]!.n;
    }
  return wrong;
}

describe('moving the store between SQLite and PostgreSQL', () => {
  let tmp: string;
  let sqlite: Store;
  const pgA = pgSchema();
  const pgB = pgSchema();
  let postgres: Store;
  let copyBack: Store;
  let seeded: string[];
  let before: Awaited<ReturnType<typeof storeSnapshot>>;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-store-copy-'));
    await mkdir(path.join(tmp, 'var'));
    await admin(`CREATE SCHEMA ${pgA.schema}`);
    await admin(`CREATE SCHEMA ${pgB.schema}`);
    sqlite = openStore({ sqliteFile: path.join(tmp, 'var', 'rapport.sqlite') });
    await migrateToLatest(sqlite);
    // A shop's store as the forms and staff tools leave it: three people who did everything, one since erased.
    const s = testServices(sqlite, config, () => now, path.join(tmp, 'secret'));
    const staff = await signedIn(sqlite.db, 'service', 'helper@shop.example');
    const campaign = await sentCampaign(sqlite, now);
    await richPerson(sqlite, s, person('Zephyrine Quillfeather', 'Zephyrine.Q@Example.org', 'T4L 9Z9'), staff, campaign);
    await richPerson(sqlite, s, person('Bartholomew Ashgrove', 'bart@ashgrove.example', 'T4L 1B2'), staff, campaign);
    const erased = await richPerson(sqlite, s, person('Ottilie Brackenridge', 'ottilie@bracken.example', 'T4N 5E5'), staff, campaign);
    expect(await erasePerson(sqlite.db, personalDeclarations(config), erased, { at: now, remember: { secret: SECRET } })).toBe('erased');
    // A rate-limit counter's expiry is a bigint, which PostgreSQL hands back as a string.
    await sqlite.db.insertInto('rate_limits').values({ key: 'form:203.0.113.9', points: 4, expire: 1_798_000_000_123 }).execute();
    before = await storeSnapshot(sqlite, {});
    seeded = Object.entries(before)
      .filter(([, rows]) => rows.length > 0)
      .map(([table]) => table);
  });
  afterAll(async () => {
    await Promise.all([sqlite?.close(), postgres?.close(), copyBack?.close()]);
    await admin(`DROP SCHEMA IF EXISTS ${pgA.schema} CASCADE`);
    await admin(`DROP SCHEMA IF EXISTS ${pgB.schema} CASCADE`);
    await rm(tmp, { recursive: true, force: true });
  });

  it('seeds a realistic store through the forms and staff tools', () => {
    for (const table of ['contacts', 'consent_ledger', 'list_subscriptions', 'accounts', 'sessions', 'tokens', 'activities', 'mail_outbox'])
      expect(seeded, table).toContain(table);
    for (const table of ['orders', 'order_lines', 'order_events', 'shipments', 'audit_log', 'contact_tags', 'message_handling', 'faq_questions'])
      expect(seeded, table).toContain(table);
    for (const table of ['mail_events', 'mail_suppressions', 'campaigns', 'campaign_recipients', 'erased_addresses', 'privacy_requests', 'rate_limits'])
      expect(seeded, table).toContain(table);
  });

  it('copies SQLite into PostgreSQL from the command line, row for row, and prints each table', async () => {
    const result = await cli(tmp, {}, 'store', 'copy', '--to', pgA.url);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^  contacts +${before.contacts!.length} +${before.contacts!.length}$`, 'm'));
    expect(result.stdout).toContain("every table's count matches the source");
    postgres = pgA.open();
    expect(await storeSnapshot(postgres, { schema: pgA.schema })).toEqual(before);
    const { rows } = await sql<{ type: string }>`select distinct pg_typeof(expire)::text as type from rate_limits`.execute(postgres.db);
    expect(rows).toEqual([{ type: 'bigint' }]);
  });

  it('refuses a target that already holds data and leaves it as it was, or replaces it all with --replace', async () => {
    await upsertContact(sqlite.db, { email: 'late@example.com', name: 'Late Comer' }, () => now);
    const result = await cli(tmp, {}, 'store', 'copy', '--to', pgA.url);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/already holds data \(contacts: \d+, .*\)\. Nothing was copied\. .*--replace/);
    expect(await storeSnapshot(postgres, { schema: pgA.schema })).toEqual(before);
    await expect(copyStore(sqlite, sqlite)).rejects.toThrow(CopyRefused);

    // --replace empties it first, the append-only ledger and audit log included (under a permit).
    const replaced = await cli(tmp, {}, 'store', 'copy', '--to', pgA.url, '--replace');
    expect(replaced.code).toBe(0);
    const withLate = await storeSnapshot(sqlite, {});
    expect(withLate.contacts).toHaveLength(before.contacts!.length + 1);
    expect(await storeSnapshot(postgres, { schema: pgA.schema })).toEqual(withLate);
    await sqlite.db.deleteFrom('contacts').where('email', '=', 'late@example.com').execute();
    await copyStore(sqlite, postgres, { replace: true });
    expect(await storeSnapshot(postgres, { schema: pgA.schema })).toEqual(before);
    expect(await postgres.db.selectFrom('append_only_permits').selectAll().execute()).toEqual([]);
  });

  it('copies PostgreSQL back into SQLite: the same rows, integers stored as integers', async () => {
    copyBack = openStore({ sqliteFile: path.join(tmp, 'back.sqlite') });
    const tables = await copyStore(postgres, copyBack, { batchRows: 7 });
    expect(tables.find((t) => t.name === 'consent_ledger')).toEqual({
      name: 'consent_ledger',
      source: before.consent_ledger!.length,
      target: before.consent_ledger!.length,
    });
    expect(await storeSnapshot(copyBack, {})).toEqual(before);
    expect(await integersAreIntegers(copyBack)).toEqual({});
    const { rows } = await sql<{ type: string }>`select distinct typeof(expire) as type from rate_limits`.execute(copyBack.db);
    expect(rows).toEqual([{ type: 'integer' }]);
  });

  it.each(['postgres', 'sqlite'] as const)('the copy in %s works as a store: contacts, consent, the append-only ledger', async (kind) => {
    const store = kind === 'postgres' ? postgres : copyBack;
    const bart = await upsertContact(store.db, { email: 'BART@ashgrove.example', name: 'Someone Else' }, () => now);
    expect(bart.name).toBe('Bartholomew Ashgrove');
    const history = await consentHistory(store.db, bart.id);
    expect(history.length).toBeGreaterThan(0);
    await appendConsent(
      store.db,
      {
        contact_id: bart.id,
        purpose: 'newsletter:news',
        action: 'withdrawn',
        form_id: 'unsubscribe',
        wording_hash: 'h',
        policy_version: 'v',
        source: 'mail:one-click',
      },
      () => new Date(now.getTime() + 60_000),
    );
    const after = await consentHistory(store.db, bart.id);
    expect(after.slice(0, -1)).toEqual(history);
    expect(after.at(-1)).toMatchObject({ action: 'withdrawn', source: 'mail:one-click' });
    await expect(store.db.deleteFrom('consent_ledger').where('contact_id', '=', bart.id).execute()).rejects.toThrow(/append-only/);
  });

  it.each(['postgres', 'sqlite'] as const)('the copy in %s keeps the store contract: foreign keys, checks, the append-only audit log', async (kind) => {
    const store = kind === 'postgres' ? postgres : copyBack;
    await expect(
      appendConsent(store.db, {
        contact_id: 'no-such-contact',
        purpose: 'x',
        action: 'granted',
        form_id: 'f',
        wording_hash: 'h',
        policy_version: 'v',
        source: 's',
      }),
    ).rejects.toThrow(/foreign key|violates/i);
    await expect(
      sql`insert into contacts (id, email, name, kind, created_at, updated_at) values ('k1', 'k@example.com', 'K', 'alien', 'now', 'now')`.execute(store.db),
    ).rejects.toThrow(/check/i);
    const audit = await store.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
    expect(audit.length).toBeGreaterThan(0);
    await expect(store.db.updateTable('audit_log').set({ summary: 'Something else' }).execute()).rejects.toThrow(/append-only/);
    expect(await store.db.selectFrom('audit_log').selectAll().orderBy('id').execute()).toEqual(audit);
    // Orders keep their lines, and a line's total still has to add up.
    const line = await store.db.selectFrom('order_lines').selectAll().limit(1).executeTakeFirstOrThrow();
    await expect(
      store.db
        .updateTable('order_lines')
        .set({ total_cents: line.total_cents + 1 })
        .where('id', '=', line.id)
        .execute(),
    ).rejects.toThrow(/check/i);
  });

  it('stops at a value PostgreSQL will not take, says which table, and leaves the target as it was', async () => {
    const loose = openStore({ sqliteFile: path.join(tmp, 'loose.sqlite') });
    const target = pgB.open();
    try {
      await migrateToLatest(loose);
      await upsertContact(loose.db, { email: 'ann@example.com', name: 'Ann' }, () => now);
      // SQLite keeps text in an integer column when it does not read as a number.
      await sql`insert into rate_limits (key, points, expire) values ('form:x', 'lots', null)`.execute(loose.db);
      await expect(copyStore(loose, target)).rejects.toThrow(
        /^Copying rate_limits \(rows from key = form:x\) failed: invalid input syntax for type integer: "lots"\. Nothing was copied/,
      );
      const counts = await rowCounts(target.db, await storeTables(target));
      expect(counts.filter((c) => c.rows > 0)).toEqual([]);
    } finally {
      await loose.close();
      await target.close();
      await admin(`DROP SCHEMA ${pgB.schema} CASCADE; CREATE SCHEMA ${pgB.schema}`);
    }
  });

  it('copies a table a later migration adds without being told of it, and moves PostgreSQL sequences past the copied ids', async () => {
    const source = openStore({ sqliteFile: path.join(tmp, 'future.sqlite') });
    const target = pgB.open();
    try {
      await migrateToLatest(source);
      await migrateToLatest(target);
      await sql`create table loyalty_points (id integer primary key autoincrement, points bigint not null, earned_at text not null)`.execute(source.db);
      await sql`create table loyalty_points (id serial primary key, points bigint not null, earned_at text not null)`.execute(target.db);
      for (const points of [10, 25, 5_000_000_000_000])
        await sql`insert into loyalty_points (points, earned_at) values (${points}, ${now.toISOString()})`.execute(source.db);
      const tables = await copyStore(source, target);
      expect(tables.find((t) => t.name === 'loyalty_points')).toEqual({ name: 'loyalty_points', source: 3, target: 3 });
      const { rows } = await sql<{ id: number }>`insert into loyalty_points (points, earned_at) values (1, 'now') returning id`.execute(target.db);
      expect(rows).toEqual([{ id: 4 }]);
      const { rows: points } = await sql<{ points: string }>`select points from loyalty_points order by id`.execute(target.db);
      expect(points.map((p) => p.points)).toEqual(['10', '25', '5000000000000', '1']);
    } finally {
      await source.close();
      await target.close();
      await admin(`DROP SCHEMA ${pgB.schema} CASCADE; CREATE SCHEMA ${pgB.schema}`);
    }
  });
});

describe('backups and the restore drill', () => {
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-store-backup-'));
    await mkdir(path.join(tmp, 'var'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('SQLite, from the command line: back up, write more, restore; the later data is gone and the earlier is back', async () => {
    const store = openStore({ sqliteFile: path.join(tmp, 'var', 'rapport.sqlite') });
    try {
      await migrateToLatest(store);
      const ann = await upsertContact(store.db, { email: 'ann@example.com', name: 'Ann' }, () => now);
      await appendConsent(store.db, {
        contact_id: ann.id,
        purpose: 'newsletter:news',
        action: 'granted',
        form_id: 'f',
        wording_hash: 'h',
        policy_version: 'v',
        source: 'web:/subscribe',
      });
      const before = await storeSnapshot(store, {});

      // Taken with the store open, as a nightly backup is while the server runs.
      const backup = await cli(tmp, {}, 'store', 'backup', 'backups/nightly.sqlite');
      expect(backup.stderr).toBe('');
      expect(backup.stdout).toMatch(/^Backed up .*rapport\.sqlite \(version 0016-survey-answers\) to .*nightly\.sqlite: \d+ KB, an SQLite database\.$/m);
      expect((await stat(path.join(tmp, 'backups', 'nightly.sqlite'))).mode & 0o777).toBe(0o600);
      const again = await cli(tmp, {}, 'store', 'backup', 'backups/nightly.sqlite');
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('already exists; not overwriting it');

      await upsertContact(store.db, { email: 'bob@example.com', name: 'Bob' }, () => now);
      const refused = await cli(tmp, {}, 'store', 'restore', 'backups/nightly.sqlite');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/holds data \(\d+ rows\)\. .*Nothing was changed\. .*--replace/);
      expect(await store.db.selectFrom('contacts').select('email').orderBy('email').execute()).toEqual([
        { email: 'ann@example.com' },
        { email: 'bob@example.com' },
      ]);

      const restored = await cli(tmp, {}, 'store', 'restore', 'backups/nightly.sqlite', '--replace');
      expect(restored.stderr).toBe('');
      expect(restored.code).toBe(0);
      expect(restored.stdout).toMatch(/^ {2}contacts +1$/m);
      expect(restored.stdout).toMatch(/replacing the 3 rows it held/);
      expect(await storeSnapshot(store, {})).toEqual(before);
    } finally {
      await store.close();
    }
  });

  it('PostgreSQL with pg_dump and pg_restore: back up, write more, restore; the later data is gone and the earlier is back', async () => {
    const pgC = pgSchema();
    await admin(`CREATE SCHEMA ${pgC.schema}`);
    const store = pgC.open();
    try {
      await migrateToLatest(store);
      const ann = await upsertContact(store.db, { email: 'ann@example.com', name: 'Ann' }, () => now);
      await appendConsent(store.db, {
        contact_id: ann.id,
        purpose: 'newsletter:news',
        action: 'granted',
        form_id: 'f',
        wording_hash: 'h',
        policy_version: 'v',
        source: 'web:/subscribe',
      });
      await store.db.insertInto('rate_limits').values({ key: 'k', points: 1, expire: 1_798_000_000_123 }).execute();
      const before = await storeSnapshot(store, { schema: pgC.schema });
      const file = path.join(tmp, 'nightly.dump');
      const done = await backupStore(store, file, { databaseUrl: PG_URL });
      expect(done).toMatchObject({ format: 'pg_dump', version: '0016-survey-answers' });
      expect(done.bytes).toBeGreaterThan(1000);

      await upsertContact(store.db, { email: 'bob@example.com', name: 'Bob' }, () => now);
      await expect(restoreStore(store, file, { databaseUrl: PG_URL })).rejects.toThrow(BackupRefused);
      expect(await store.db.selectFrom('contacts').select('email').orderBy('email').execute()).toHaveLength(2);
      // A dump of PostgreSQL cannot go straight into SQLite; it says how to get there.
      const sqliteStore = openStore({ sqliteFile: path.join(tmp, 'other.sqlite') });
      await expect(restoreStore(sqliteStore, file)).rejects.toThrow(/PostgreSQL dump and this store is SQLite.*store copy/);
      await sqliteStore.close();

      // A damaged backup (cut short: a full disk, a copy interrupted) is found out before anything changes.
      const whole = await readFile(file);
      await writeFile(path.join(tmp, 'cut.dump'), whole.subarray(0, Math.floor(whole.length * 0.8)));
      const bob = await storeSnapshot(store, { schema: pgC.schema });
      await expect(restoreStore(store, path.join(tmp, 'cut.dump'), { databaseUrl: PG_URL, replace: true })).rejects.toThrow(/pg_restore failed/);
      expect(await storeSnapshot(store, { schema: pgC.schema })).toEqual(bob);

      const restored = await restoreStore(store, file, { databaseUrl: PG_URL, replace: true });
      expect(restored.replaced).toBe(4);
      expect(restored.tables.find((t) => t.name === 'contacts')).toEqual({ name: 'contacts', rows: 1 });
      expect(await storeSnapshot(store, { schema: pgC.schema })).toEqual(before);
      // The append-only ledger is append-only again after the restore.
      await expect(store.db.deleteFrom('consent_ledger').execute()).rejects.toThrow(/append-only/);
    } finally {
      await store.close();
      await admin(`DROP SCHEMA ${pgC.schema} CASCADE`);
    }
  });

  it('restores a backup an older version made, and brings it up to this version (SQLite, and PostgreSQL)', async () => {
    const latest = async (store: Store) => (await sql<{ name: string }>`select max(name) as name from kysely_migration`.execute(store.db)).rows[0]!.name;
    const old = openStore({ sqliteFile: path.join(tmp, 'old', 'rapport.sqlite') });
    const fresh = openStore({ sqliteFile: path.join(tmp, 'fresh', 'rapport.sqlite') });
    try {
      await olderStore(old);
      expect((await backupStore(old, path.join(tmp, 'old.sqlite'))).version).toBe('0006-console');
      await migrateToLatest(fresh);
      await restoreStore(fresh, path.join(tmp, 'old.sqlite'));
      expect(await fresh.db.selectFrom('contacts').select(['email', 'erased_at']).execute()).toEqual([{ email: 'old@example.com', erased_at: null }]);
      expect(await latest(fresh)).toBe('0016-survey-answers');
    } finally {
      await old.close();
      await fresh.close();
    }

    const pgOld = pgSchema();
    await admin(`CREATE SCHEMA ${pgOld.schema}`);
    let store = pgOld.open();
    try {
      await olderStore(store);
      const file = path.join(tmp, 'old.dump');
      expect((await backupStore(store, file, { databaseUrl: PG_URL })).version).toBe('0006-console');
      await store.close();
      // A new database for it, set up by this version (as `npx rapport` does before restoring).
      await admin(`DROP SCHEMA ${pgOld.schema} CASCADE; CREATE SCHEMA ${pgOld.schema}`);
      store = pgOld.open();
      await migrateToLatest(store);
      const restored = await restoreStore(store, file, { databaseUrl: PG_URL });
      expect(restored.replaced).toBe(0);
      expect(await store.db.selectFrom('contacts').select(['email', 'erased_at']).execute()).toEqual([{ email: 'old@example.com', erased_at: null }]);
      expect(await latest(store)).toBe('0016-survey-answers');
    } finally {
      await store.close();
      await admin(`DROP SCHEMA ${pgOld.schema} CASCADE`);
    }
  });

  it('refuses what is not a backup', async () => {
    const store = openStore({ sqliteFile: path.join(tmp, 'var', 'rapport.sqlite') });
    try {
      await expect(restoreStore(store, path.join(tmp, 'missing.sqlite'), { replace: true })).rejects.toThrow(/Cannot read .*missing\.sqlite: no such file/);
      await expect(restoreStore(store, path.resolve('package.json'), { replace: true })).rejects.toThrow(/neither an SQLite database nor a pg_dump/);
      // An SQLite backup cut short, and an SQLite database that is not a store.
      await backupStore(store, path.join(tmp, 'whole.sqlite'));
      const whole = await readFile(path.join(tmp, 'whole.sqlite'));
      await writeFile(path.join(tmp, 'cut.sqlite'), whole.subarray(0, Math.floor(whole.length / 2)));
      await expect(restoreStore(store, path.join(tmp, 'cut.sqlite'), { replace: true })).rejects.toThrow(/cut\.sqlite is damaged \(/);
      const other = new DatabaseSync(path.join(tmp, 'other-app.sqlite'));
      other.exec('create table notes (id integer primary key, body text)');
      other.close();
      await expect(restoreStore(store, path.join(tmp, 'other-app.sqlite'), { replace: true })).rejects.toThrow(/not a Rapport store/);
    } finally {
      await store.close();
    }
  });
});
