import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../integrations/rapport/core/store/open-sqlite.ts';
import { GroupCommitDialect, GroupCommitter, type GroupCommitOptions } from '../../integrations/rapport/core/store/sqlite-group-commit.ts';

interface Tables {
  items: { id: number; label: string };
  parents: { id: number };
  children: { id: number; parent_id: number };
}

let dir = '';
let file = '';
let committer: GroupCommitter;
let db: Kysely<Tables>;
let relaxed: Kysely<Tables>;
/** A second connection to the file: it sees only what is committed. */
let outside: DatabaseSync;

function open(options: GroupCommitOptions = {}) {
  committer = new GroupCommitter(openSqlite(file), options);
  db = new Kysely<Tables>({ dialect: new GroupCommitDialect(committer) });
  relaxed = new Kysely<Tables>({ dialect: new GroupCommitDialect(committer, { relaxed: true }) });
}

const committed = (label: string) => outside.prepare('select count(*) as n from items where label = ?').get(label)!.n as number;
const allCommitted = () => (outside.prepare('select label from items order by id').all() as { label: string }[]).map((r) => r.label);
const insert = (label: string) =>
  db.transaction().execute((trx) =>
    trx
      .insertInto('items')
      .values({ label } as never)
      .execute(),
  );
/** Holds the connection until `release` is called, so the units queued meanwhile form one batch. */
function holdConnection() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const held = db.connection().execute(() => gate);
  return { release, held };
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rapport-group-commit-'));
  file = path.join(dir, 'store.sqlite');
  const setup = openSqlite(file);
  setup.exec('create table items (id integer primary key, label text not null unique)');
  setup.exec('create table parents (id integer primary key)');
  setup.exec('create table children (id integer primary key, parent_id integer not null references parents(id) deferrable initially deferred)');
  setup.close();
  open();
  outside = new DatabaseSync(file, { readOnly: true });
});

afterEach(async () => {
  outside.close();
  await db.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe('SQLite group commit', () => {
  it('commits many concurrent transactions in far fewer COMMITs, each answered only once its row is committed', async () => {
    const { release, held } = holdConnection();
    const seenAtAnswer: number[] = [];
    const labels = Array.from({ length: 60 }, (_, i) => `row-${i}`);
    const all = labels.map((label) => insert(label).then(() => seenAtAnswer.push(committed(label))));
    release();
    await Promise.all([held, ...all]);
    expect(committer.stats.units).toBe(61);
    expect(committer.stats.commits).toBeLessThanOrEqual(2);
    // Another connection saw every row at the moment its caller was answered.
    expect(seenAtAnswer).toEqual(labels.map(() => 1));
    expect(allCommitted()).toEqual(labels);
  });

  it('without grouping commits every unit on its own', async () => {
    await db.destroy();
    open({ grouping: false });
    await Promise.all(Array.from({ length: 10 }, (_, i) => insert(`alone-${i}`)));
    expect(committer.stats.commits).toBe(10);
    expect(allCommitted()).toHaveLength(10);
  });

  it('rolls back a transaction that throws, or that the database refuses, and commits the rest of its batch', async () => {
    await insert('taken');
    const { release, held } = holdConnection();
    const results = await Promise.allSettled([
      insert('a'),
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto('items')
          .values({ label: 'thrown' } as never)
          .execute();
        throw new Error('the handler gave up');
      }),
      insert('b'),
      // A duplicate: the database refuses it after the transaction already wrote a row.
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto('items')
          .values({ label: 'before-duplicate' } as never)
          .execute();
        await trx
          .insertInto('items')
          .values({ label: 'taken' } as never)
          .execute();
      }),
      insert('c'),
      release(),
      held,
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toContain('the handler gave up');
    expect(String((results[3] as PromiseRejectedResult).reason)).toMatch(/UNIQUE constraint failed/);
    expect(allCommitted()).toEqual(['taken', 'a', 'b', 'c']);
    // One batch for the five units (and the holder).
    expect(committer.stats.commits).toBe(2);
  });

  it('keeps what a unit wrote before a transaction of its own that rolls back', async () => {
    const outcome = await db.connection().execute(async (conn) => {
      await conn
        .insertInto('items')
        .values({ label: 'kept' } as never)
        .execute();
      const failed = await conn
        .transaction()
        .execute(async (trx) => {
          await trx
            .insertInto('items')
            .values({ label: 'undone' } as never)
            .execute();
          throw new Error('changed its mind');
        })
        .catch((error: Error) => error.message);
      await conn.transaction().execute((trx) =>
        trx
          .insertInto('items')
          .values({ label: 'second' } as never)
          .execute(),
      );
      return failed;
    });
    expect(outcome).toBe('changed its mind');
    expect(allCommitted()).toEqual(['kept', 'second']);
  });

  it('rejects every unit of a batch whose COMMIT fails, and stores none of them', async () => {
    const { release, held } = holdConnection();
    const results = await Promise.allSettled([
      insert('x'),
      // A deferred foreign key is checked at COMMIT: this orphan makes the batch's COMMIT fail.
      db.transaction().execute((trx) =>
        trx
          .insertInto('children')
          .values({ parent_id: 999 } as never)
          .execute(),
      ),
      insert('y'),
      release(),
      held,
    ]);
    expect(results.slice(0, 3).map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/Committing a batch of \d+ writes to SQLite failed; none of them was stored/);
    expect(allCommitted()).toEqual([]);
    // The store goes on: the next batch commits.
    await insert('after');
    expect(allCommitted()).toEqual(['after']);
  });

  it('rejects the units already written in a batch when SQLite rolls the whole transaction back', async () => {
    await db.destroy();
    const setup = openSqlite(file);
    setup.exec(`create trigger no_poison before insert on items when new.label = 'poison' begin select raise(rollback, 'poisoned'); end`);
    setup.close();
    open();
    const { release, held } = holdConnection();
    const results = await Promise.allSettled([insert('first'), insert('poison'), release(), held]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'fulfilled']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/rolled back the whole transaction after an error \(poisoned\)/);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/poisoned/);
    expect(allCommitted()).toEqual([]);
    await insert('later');
    expect(allCommitted()).toEqual(['later']);
  });

  it('hands the connection out strictly in arrival order, newcomers after those already waiting', async () => {
    const order: string[] = [];
    const unit = (name: string) => db.connection().execute(async () => void order.push(name));
    const { release, held } = holdConnection();
    const first = Array.from({ length: 20 }, (_, i) => unit(`w${i}`));
    release();
    // Arrives after the connection was handed back: still behind every earlier waiter.
    const late = unit('late');
    await Promise.all([held, ...first, late]);
    expect(order).toEqual([...Array.from({ length: 20 }, (_, i) => `w${i}`), 'late']);
  });

  it('lets relaxed writes (counters) answer at once and become durable with the batch', async () => {
    await relaxed
      .insertInto('items')
      .values({ label: 'counter' } as never)
      .execute();
    // Answered before any COMMIT: the batch is still open.
    expect(committed('counter')).toBe(0);
    await insert('submission');
    expect(allCommitted()).toEqual(['counter', 'submission']);
    expect(committer.stats.commits).toBe(1);
    // With nothing after it, a relaxed write is committed by a short timer.
    await relaxed
      .insertInto('items')
      .values({ label: 'alone' } as never)
      .execute();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(committed('alone')).toBe(1);
  });

  it('runs statements that need autocommit (a migration’s own BEGIN and PRAGMA switch) outside the batch', async () => {
    const pending = insert('before');
    await db.connection().execute(async (conn) => {
      await sql`pragma foreign_keys = off`.execute(conn);
      expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(conn)).rows[0]?.foreign_keys).toBe(0);
      await sql`begin immediate`.execute(conn);
      await sql`insert into children (parent_id) values (12345)`.execute(conn);
      await sql`commit`.execute(conn);
      await sql`pragma foreign_keys = on`.execute(conn);
    });
    await pending;
    expect(allCommitted()).toEqual(['before']);
    expect(outside.prepare('select parent_id from children').all()).toEqual([{ parent_id: 12345 }]);
    // Grouping goes on afterwards.
    await insert('after');
    expect(allCommitted()).toEqual(['before', 'after']);
  });
});
