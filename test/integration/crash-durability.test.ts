import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { listOutbox } from '../../integrations/rapport/core/mail/outbox-admin.ts';
import { migrateToLatest } from '../../integrations/rapport/core/store/migrate.ts';
import type { ServeOptions } from '../../integrations/rapport/server/serve.ts';
import { formClient } from '../helpers/form-client.ts';
import { smtpSink, waitFor } from '../helpers/smtp-sink.ts';
import { drivers } from '../helpers/store-drivers.ts';

const SECRET = 'crash-test-secret-0123456789-0123456789';

/** Starts the server in a child process; resolves with its URL and the process. */
async function spawnServer(options: ServeOptions): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, '../helpers/serve-child.ts')], {
    env: { ...process.env, RAPPORT_TEST_SERVER: JSON.stringify(options) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  return { child, url: (JSON.parse(line) as { url: string }).url };
}

describe.each(drivers)('a server killed during a burst of sign-ups, on $name', (driver) => {
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  beforeAll(async () => {
    await driver.setup();
    // The sink holds each message 300 ms before accepting it, so sends are in flight when the server is killed.
    sink = await smtpSink(0, { holdMs: 300 });
  });
  afterAll(async () => {
    await sink?.close();
    await driver.teardown();
  });

  it('has every sign-up that got its 303 after a restart, and its mail delivered (at least once, twice only if it was mid-send)', async () => {
    const options: ServeOptions = {
      distDir: inject('referenceBuild'),
      port: 0,
      host: '127.0.0.1',
      store: driver.options(),
      secret: SECRET,
      rateLimits: { perIp: { points: 100_000, duration: 600 } },
      // Mail goes to a real SMTP server while the burst runs. A short claim lease (8 s; a send is
      // stopped at half of it) so that the messages the killed server was sending are sent again soon.
      mail: { smtpUrl: `smtp://127.0.0.1:${sink.port}`, intervalMs: 200, outbox: { leaseMs: 8_000, baseDelayMs: 500 } },
    };
    const { child, url } = await spawnServer(options);
    const client = formClient(url, SECRET);
    const acknowledged: string[] = [];
    let killed = false;
    const exited = once(child, 'exit');
    // Twenty clients post continuously; the server is killed once 80 sign-ups were acknowledged.
    const clients = Array.from({ length: 20 }, async (_, c) => {
      for (let i = 0; !killed; i++) {
        const email = `crash.${c}.${i}@example.com`;
        try {
          const answer = await client.post('/subscribe', { email, lists: 'news' });
          if (answer.status === 303) acknowledged.push(email);
        } catch {
          // The connection died with the server; this one was never acknowledged.
        }
        if (acknowledged.length >= 80 && !killed) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    await Promise.all(clients);
    await exited;
    expect(acknowledged.length).toBeGreaterThanOrEqual(80);

    // The messages the server was sending when it died: these alone may reach the sink twice.
    const atKill = driver.open();
    const interrupted = new Map<string, number>();
    try {
      for (const r of await atKill.db.selectFrom('mail_outbox').select('to_address').where('status', '=', 'sending').execute())
        interrupted.set(r.to_address, (interrupted.get(r.to_address) ?? 0) + 1);
    } finally {
      await atKill.close();
    }
    expect(interrupted.size).toBeGreaterThan(0); // the case this test is about: the killed server was mid-send

    // Restart on the same store: it opens, migrates (nothing to do), serves, and finishes the mail.
    const again = await spawnServer(options);
    const store = driver.open();
    try {
      expect((await formClient(again.url, SECRET).get('/subscribe')).status).toBe(200);
      await waitFor(
        async () =>
          (await store.db.selectFrom('mail_outbox').select('id').where('status', 'in', ['pending', 'sending']).execute()).length === 0 ? true : undefined,
        'the outbox to drain after the restart',
        60_000,
      );
    } finally {
      again.child.kill('SIGTERM');
      await once(again.child, 'exit');
    }
    try {
      expect(await migrateToLatest(store)).toEqual([]);
      const stored = new Set((await store.db.selectFrom('contacts').select('email').execute()).map((r) => r.email));
      const rows = await store.db.selectFrom('mail_outbox').select(['id', 'to_address', 'status']).execute();
      const mailed = new Set(rows.map((r) => r.to_address));
      expect(acknowledged.filter((e) => !stored.has(e))).toEqual([]);
      expect(acknowledged.filter((e) => !mailed.has(e))).toEqual([]);

      // Every queued message ended sent or failed, and a failed one is listed for staff.
      expect(rows.filter((r) => r.status !== 'sent' && r.status !== 'failed')).toEqual([]);
      const failed = rows.filter((r) => r.status === 'failed').map((r) => r.id);
      expect((await listOutbox(store.db, { statuses: ['failed'], limit: 10_000 })).entries.map((e) => e.id).sort()).toEqual(failed.sort());

      // Per recipient: each sent message arrived, once; a second copy only for one that was mid-send at the kill.
      const received = new Map<string, number>();
      for (const m of sink.received) for (const to of m.to) received.set(to, (received.get(to) ?? 0) + 1);
      const problems: string[] = [];
      for (const to of new Set([...mailed, ...received.keys()])) {
        const sent = rows.filter((r) => r.to_address === to && r.status === 'sent').length;
        const queued = rows.filter((r) => r.to_address === to).length;
        const got = received.get(to) ?? 0;
        const allowed = queued + (interrupted.get(to) ?? 0);
        if (got < sent || got > allowed) problems.push(`${to}: ${got} received, ${sent} marked sent, ${interrupted.get(to) ?? 0} interrupted`);
      }
      expect(problems).toEqual([]);
      const duplicates = [...received.values()].reduce((n, c) => n + c, 0) - received.size;
      console.log(`${driver.name}: ${rows.length} messages, ${interrupted.size} mid-send at the kill, ${duplicates} delivered twice, ${failed.length} failed`);
    } finally {
      await store.close();
    }
    const { sqliteFile } = driver.options();
    if (sqliteFile) {
      const db = new DatabaseSync(sqliteFile, { readOnly: true });
      try {
        expect(db.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
      } finally {
        db.close();
      }
    }
  });
});
