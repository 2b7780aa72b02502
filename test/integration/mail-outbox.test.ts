import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailWorker } from '../../integrations/rapport/core/mail/mail-worker.ts';
import { deliverDue, enqueueMail } from '../../integrations/rapport/core/mail/outbox.ts';
import { createMailTransport } from '../../integrations/rapport/core/mail/transport.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { migrateToLatest } from '../../integrations/rapport/core/store/migrate.ts';
import type { Store } from '../../integrations/rapport/core/store/open-store.ts';
import { smtpSink } from '../helpers/smtp-sink.ts';
import { drivers } from '../helpers/store-drivers.ts';

const FROM = 'Chinook Bulb Farm <hello@chinookbulbfarm.ca>';
const at = (iso: string) => () => new Date(iso);
const smtpTransport = (port: number) => nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, connectionTimeout: 2000 });

describe.each(drivers)('the mail outbox on $name', (driver) => {
  let store: Store;
  beforeAll(async () => {
    await driver.setup();
    store = driver.open();
    await migrateToLatest(store);
  });
  afterAll(async () => {
    await store?.close();
    await driver.teardown();
  });

  it('keeps a message only when the submission it belongs to is committed', async () => {
    await expect(
      store.db.transaction().execute(async (trx) => {
        await upsertContact(trx, { email: 'rolled-back@example.com', name: 'Rolled Back' });
        await enqueueMail(trx, { to: 'rolled-back@example.com', subject: 'Never sent', text: 'x' });
        throw new Error('the submission failed');
      }),
    ).rejects.toThrow('the submission failed');
    await store.db.transaction().execute(async (trx) => {
      await upsertContact(trx, { email: 'kept@example.com', name: 'Kept' });
      await enqueueMail(trx, { to: 'kept@example.com', subject: 'Welcome', text: 'Hello' });
    });
    const rows = await store.db.selectFrom('mail_outbox').select(['to_address', 'status']).execute();
    expect(rows).toEqual([{ to_address: 'kept@example.com', status: 'pending' }]);
  });

  it('sends each message once through a real SMTP server, even with two workers at once', async () => {
    const sink = await smtpSink();
    try {
      await enqueueMail(store.db, { to: 'ann@example.com', subject: 'Your bulbs ship Monday', text: 'Hi Ann', html: '<p>Hi Ann</p>', headers: { 'List-Unsubscribe': '<https://x.example/u>' } });
      const transport = smtpTransport(sink.port);
      const [a, b] = await Promise.all([deliverDue(store.db, transport, FROM), deliverDue(store.db, transport, FROM)]);
      expect(a.sent + b.sent).toBe(2); // 'kept@…' from the previous test and 'ann@…'
      expect(sink.received.map((m) => m.to[0]).sort()).toEqual(['ann@example.com', 'kept@example.com']);
      const ann = sink.received.find((m) => m.to[0] === 'ann@example.com')!;
      expect(ann.raw).toContain('Subject: Your bulbs ship Monday');
      expect(ann.raw).toContain('List-Unsubscribe: <https://x.example/u>');
      expect(await deliverDue(store.db, transport, FROM)).toEqual({ sent: 0, retrying: 0, failed: 0 });
      expect(sink.received).toHaveLength(2);
    } finally {
      await sink.close();
    }
  });

  it('keeps a message while SMTP is down and sends it when SMTP is back', async () => {
    const probe = await smtpSink();
    const port = probe.port;
    await probe.close(); // nothing listens on `port` now
    await enqueueMail(store.db, { to: 'later@example.com', subject: 'Order received', text: 'Thanks' }, at('2026-06-01T10:00:00.000Z'));
    const down = await deliverDue(store.db, smtpTransport(port), FROM, { clock: at('2026-06-01T10:00:01.000Z'), baseDelayMs: 60_000 });
    expect(down).toEqual({ sent: 0, retrying: 1, failed: 0 });
    const row = await store.db.selectFrom('mail_outbox').selectAll().where('to_address', '=', 'later@example.com').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: '2026-06-01T10:01:01.000Z' });
    expect(row.last_error).toMatch(/ECONNREFUSED|connect/i);

    const sink = await smtpSink(port);
    try {
      // Not due yet: the back-off holds.
      expect((await deliverDue(store.db, smtpTransport(port), FROM, { clock: at('2026-06-01T10:00:30.000Z') })).sent).toBe(0);
      expect((await deliverDue(store.db, smtpTransport(port), FROM, { clock: at('2026-06-01T10:01:01.000Z') })).sent).toBe(1);
      expect(sink.received.map((m) => m.to[0])).toEqual(['later@example.com']);
    } finally {
      await sink.close();
    }
  });

  it('runs a worker that sends queued mail and stops cleanly', async () => {
    const sink = await smtpSink();
    const worker = startMailWorker({ db: store.db, transport: smtpTransport(sink.port), from: FROM, intervalMs: 60_000, log: () => {} });
    try {
      await enqueueMail(store.db, { to: 'worker@example.com', subject: 'From the worker', text: 'x' });
      await worker.runNow();
      expect(sink.received.map((m) => m.to[0])).toEqual(['worker@example.com']);
    } finally {
      await worker.stop();
      await sink.close();
    }
  });

  it('marks a message failed after the last attempt, where staff can see it', async () => {
    await enqueueMail(store.db, { to: 'bounce@example.com', subject: 'x', text: 'x' }, at('2026-07-01T00:00:00.000Z'));
    const broken = { sendMail: () => Promise.reject(new Error('550 mailbox unavailable')) };
    const report = await deliverDue(store.db, broken, FROM, { clock: at('2026-07-01T00:00:00.000Z'), maxAttempts: 1 });
    expect(report).toEqual({ sent: 0, retrying: 0, failed: 1 });
    const row = await store.db.selectFrom('mail_outbox').select(['status', 'last_error']).where('to_address', '=', 'bounce@example.com').executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'failed', last_error: '550 mailbox unavailable' });
  });
});

describe('mail without an SMTP server', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rapport-mail-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes each message as an .eml file and logs its path', async () => {
    const lines: string[] = [];
    const transport = createMailTransport({ mailDir: dir, log: (l) => lines.push(l) });
    await transport.sendMail({ from: FROM, to: 'eve@example.com', subject: 'Confirm your subscription', text: 'Press the button.' });
    const [file] = await readdir(dir);
    expect(file).toMatch(/\.eml$/);
    const eml = await readFile(path.join(dir, file!), 'utf8');
    expect(eml).toContain('To: eve@example.com');
    expect(eml).toContain('Subject: Confirm your subscription');
    expect(lines).toEqual([`Mail to eve@example.com written to ${path.join(dir, file!)}`]);
  });
});
