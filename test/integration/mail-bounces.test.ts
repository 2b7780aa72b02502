import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxIdOf } from '../../integrations/rapport/core/mail/report-outbox.ts';
import { migrateToLatest } from '../../integrations/rapport/core/store/migrate.ts';
import { openStore, type Store } from '../../integrations/rapport/core/store/open-store.ts';
import { deliveryState, sentMail, subscriber } from '../helpers/mail-recipients.ts';
import { drivers } from '../helpers/store-drivers.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/mail-reports');
const IDS = {
  postfix: '0b8e6c52-4f3d-4a61-9c27-5d8a1e2f7b10',
  full: '6f1d2a9e-83c4-4b5f-a0d7-2e9c4b7a1f35',
  arf: '9a3c7e21-5b6d-4f80-b1e4-7c2d9f0a8e46',
};

/** `npx rapport mail bounces …` on this driver's store, run as a user would (a child process in a project folder). */
describe.each(drivers)('npx rapport mail bounces on $name', (driver) => {
  let dir: string;
  let store: Store;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) =>
    promisify(execFile)(process.execPath, [path.resolve('integrations/rapport/cli/rapport.ts'), ...args], { cwd: dir, env }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  beforeAll(async () => {
    await driver.setup();
    dir = await mkdtemp(path.join(os.tmpdir(), 'rapport-bounces-'));
    await mkdir(path.join(dir, 'var'));
    const options = driver.options();
    if (options.databaseUrl) {
      // The CLI reads only DATABASE_URL: the test's own schema goes in the connection's options.
      const url = new URL(options.databaseUrl);
      url.searchParams.set('options', `-c search_path=${options.schema}`);
      env = { ...process.env, DATABASE_URL: url.href };
      store = openStore(options);
    } else {
      env = { ...process.env, DATABASE_URL: '' };
      store = openStore({ sqliteFile: path.join(dir, 'var', 'rapport.sqlite') });
    }
    await migrateToLatest(store);
    await sentMail(store.db, IDS.postfix, 'Gone.Away@example.net');
    await sentMail(store.db, IDS.full, 'full.box@example.org');
    await sentMail(store.db, IDS.arf, 'annoyed.reader@yahoo.example');
    await subscriber(store.db, 'gone.away@example.net', { confirmed: ['news'] });
    await subscriber(store.db, 'annoyed.reader@yahoo.example', { confirmed: ['news', 'reminders'], pending: ['offers'] });
  });
  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
    await driver.teardown();
  });

  it('reads a folder of reports, records each with its message, prints a line per file and a summary', async () => {
    const run = await cli('mail', 'bounces', FIXTURES);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const line = (file: string) => run.stdout.split('\n').find((l) => l.startsWith(path.join(FIXTURES, file)));
    expect(line('postfix-5.1.1.eml')).toBe(
      `${path.join(FIXTURES, 'postfix-5.1.1.eml')}: delivery status notification: hard bounce for gone.away@example.net (message ${IDS.postfix}); suppressed (bounced): 550 5.1.1 <gone.away@example.net>: Recipient address rejected: User unknown in virtual mailbox table`,
    );
    expect(line('mailbox-full-4.2.2.eml')).toContain(`soft bounce for full.box@example.org (message ${IDS.full}): 552 4.2.2 Mailbox full`);
    expect(line('arf-abuse.eml')).toContain(`abuse report: complaint for annoyed.reader@yahoo.example (message ${IDS.arf}); suppressed (complained)`);
    // Its Message-ID is not one of ours: recorded, but about no message.
    expect(line('arf-no-rcpt-to.eml')).toMatch(/abuse report: complaint for reader@mail\.example\.com; suppressed \(complained\)/);
    expect(line('delayed.eml')).toContain('a delay warning, not a bounce (the server is still trying); nothing recorded.');
    expect(line('out-of-office.eml')).toContain('not a bounce or complaint; nothing recorded.');
    expect(line('garbage.eml')).toContain('not a bounce or complaint; nothing recorded.');
    expect(run.stdout.trim().split('\n').at(-1)).toBe(
      '7 files read: 4 events recorded, 3 addresses suppressed (annoyed.reader@yahoo.example, reader@mail.example.com, gone.away@example.net), 3 not a bounce or complaint.',
    );

    const gone = await deliveryState(store.db, 'gone.away@example.net');
    expect(gone.events).toEqual([{ kind: 'hard-bounce', source: 'dsn', outbox_id: IDS.postfix, detail: expect.stringContaining('550 5.1.1') }]);
    expect(gone.suppression).toBe('bounced');
    // A bounce stops list mail through the suppression; it does not withdraw consent.
    expect(gone.lists).toEqual([{ list: 'news', status: 'confirmed' }]);
    expect(gone.withdrawn).toEqual([]);

    const full = await deliveryState(store.db, 'full.box@example.org');
    expect(full.events).toEqual([{ kind: 'soft-bounce', source: 'dsn', outbox_id: IDS.full, detail: '552 4.2.2 Mailbox full - quota exceeded' }]);
    expect(full.suppression).toBeUndefined();

    const annoyed = await deliveryState(store.db, 'annoyed.reader@yahoo.example');
    expect(annoyed.events).toEqual([{ kind: 'complaint', source: 'arf', outbox_id: IDS.arf, detail: 'feedback-type abuse from Yahoo!-Mail-Feedback/2.0' }]);
    expect(annoyed.suppression).toBe('complained');
    expect(annoyed.lists).toEqual([
      { list: 'news', status: 'unsubscribed' },
      { list: 'offers', status: 'unsubscribed' },
      { list: 'reminders', status: 'unsubscribed' },
    ]);
    // One withdrawal per list whose consent is in the ledger (the pending list never had one).
    expect(annoyed.withdrawn).toEqual([
      { purpose: 'newsletter:news', source: 'mail:complaint:arf', form_id: 'mail:complaint' },
      { purpose: 'newsletter:reminders', source: 'mail:complaint:arf', form_id: 'mail:complaint' },
    ]);
    const timeline = await store.db
      .selectFrom('activities')
      .innerJoin('contacts', 'contacts.id', 'activities.contact_id')
      .select(['activities.type', 'activities.summary'])
      .where('contacts.email', '=', 'annoyed.reader@yahoo.example')
      .where('activities.type', 'like', 'mail.%')
      .execute();
    expect(timeline).toEqual([{ type: 'mail.complaint', summary: 'Marked a message as spam; unsubscribed from every list' }]);
  });

  it('records a report read again once (same message), and says so', async () => {
    const again = await cli('mail', 'bounces', path.join(FIXTURES, 'postfix-5.1.1.eml'), path.join(FIXTURES, 'arf-abuse.eml'));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`hard bounce for gone.away@example.net (message ${IDS.postfix}): already recorded`);
    expect(again.stdout).toContain('2 files read: 0 events recorded (2 already known), 0 addresses suppressed, 0 not a bounce or complaint.');
    expect((await deliveryState(store.db, 'gone.away@example.net')).events).toHaveLength(1);
  });

  it('names unreadable paths, reads the rest, and exits non-zero', async () => {
    const folder = path.join(dir, 'inbox');
    await mkdir(folder);
    await cp(path.join(FIXTURES, 'out-of-office.eml'), path.join(folder, 'a.eml'));
    await writeFile(path.join(folder, 'notes.txt'), 'not a report');
    const missing = path.join(dir, 'no-such-folder');
    const run = await cli('mail', 'bounces', missing, folder);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`${missing}: cannot be read (no such file or folder).\n`);
    // Only the folder's .eml files are read.
    expect(run.stdout).toContain(`${path.join(folder, 'a.eml')}: not a bounce or complaint; nothing recorded.`);
    expect(run.stdout).not.toContain('notes.txt');
    expect(run.stdout).toContain('1 file read: 0 events recorded, 0 addresses suppressed, 1 not a bounce or complaint; 1 path could not be read.');
    const none = await cli('mail', 'bounces');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Which files?');
  });

  it('matches a report to an outbox message only when the id is ours and the address is the one it went to', async () => {
    expect(await outboxIdOf(store.db, `<${IDS.full}@rapport.example>`, 'FULL.box@example.org')).toBe(IDS.full);
    expect(await outboxIdOf(store.db, `${IDS.full}@rapport.example`, 'full.box@example.org')).toBe(IDS.full);
    expect(await outboxIdOf(store.db, `<${IDS.full}@rapport.example>`, 'someone.else@example.org')).toBeUndefined();
    expect(await outboxIdOf(store.db, '<c5d1f0b2-0000-4000-8000-00000000dead@rapport.example>', 'slow.server@example.com')).toBeUndefined();
    expect(await outboxIdOf(store.db, '<not-a-uuid@rapport.example>', 'full.box@example.org')).toBeUndefined();
  });
});
