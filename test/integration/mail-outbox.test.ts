import type { Services } from '../../integrations/rapport/core/services.ts';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Updateable } from 'kysely';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { parseOptions } from '../../integrations/rapport/config/parse-options.ts';
import { startMailWorker } from '../../integrations/rapport/core/mail/mail-worker.ts';
import { listOutbox, outboxCounts, retryMail } from '../../integrations/rapport/core/mail/outbox-admin.ts';
import { deliverDue, enqueueMail, type MailTransport } from '../../integrations/rapport/core/mail/outbox.ts';
import { createMailTransport, outboxConcurrency, SMTP_TIMEOUTS } from '../../integrations/rapport/core/mail/transport.ts';
import { createSession, SESSION_COOKIE } from '../../integrations/rapport/core/security/sessions.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { migrateToLatest } from '../../integrations/rapport/core/store/migrate.ts';
import { openStore, type Store } from '../../integrations/rapport/core/store/open-store.ts';
import type { MailOutboxTable } from '../../integrations/rapport/core/store/schema.ts';
import { serveBuildStatus } from '../../integrations/rapport/server/status-page.ts';
import { TEST_OPTIONS } from '../helpers/test-options.ts';
import { smtpSink } from '../helpers/smtp-sink.ts';
import { drivers } from '../helpers/store-drivers.ts';

const FROM = 'Chinook Bulb Farm <hello@chinookbulbfarm.ca>';
const at = (iso: string) => () => new Date(iso);
const smtpTransport = (port: number) => nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, connectionTimeout: 2000 });
const plus = (iso: string, ms: number) => new Date(new Date(iso).getTime() + ms).toISOString();

/** A transport that records who it sent to (and can be told to hang or fail). */
function recorder() {
  const sent: string[] = [];
  const transport: MailTransport = {
    sendMail: (m) => {
      sent.push(m.to);
      return Promise.resolve();
    },
  };
  return { sent, transport };
}

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** A mail server that accepts connections and never says a word (counts how many it holds at once). */
async function silentServer() {
  const sockets = new Set<net.Socket>();
  let max = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    max = Math.max(max, sockets.size);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    maxConnections: () => max,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

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
      await enqueueMail(store.db, {
        to: 'ann@example.com',
        subject: 'Your bulbs ship Monday',
        text: 'Hi Ann',
        html: '<p>Hi Ann</p>',
        headers: { 'List-Unsubscribe': '<https://x.example/u>' },
      });
      const transport = smtpTransport(sink.port);
      const [a, b] = await Promise.all([deliverDue(store.db, transport, FROM), deliverDue(store.db, transport, FROM)]);
      expect(a.sent + b.sent).toBe(2); // 'kept@…' from the previous test and 'ann@…'
      expect(sink.received.map((m) => m.to[0]).sort()).toEqual(['ann@example.com', 'kept@example.com']);
      const ann = sink.received.find((m) => m.to[0] === 'ann@example.com')!;
      expect(ann.raw).toContain('Subject: Your bulbs ship Monday');
      expect(ann.raw).toContain('List-Unsubscribe: <https://x.example/u>');
      expect(await deliverDue(store.db, transport, FROM)).toMatchObject({ sent: 0, retrying: 0, failed: 0 });
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
    expect(down).toMatchObject({ sent: 0, retrying: 1, failed: 0 });
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
    expect(report).toMatchObject({ sent: 0, retrying: 0, failed: 1 });
    const row = await store.db
      .selectFrom('mail_outbox')
      .select(['status', 'last_error'])
      .where('to_address', '=', 'bounce@example.com')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'failed', last_error: '550 mailbox unavailable' });
  });

  it('gives up at once on an address the receiving server refuses for good, and sends no list mail to it again', async () => {
    const sink = await smtpSink(0, {
      refuse: (a) =>
        a.startsWith('gone@')
          ? { code: 550, message: '5.1.1 No such user here' }
          : a.startsWith('full@')
            ? { code: 452, message: '4.2.2 Mailbox full' }
            : undefined,
    });
    try {
      const gone = await upsertContact(store.db, { email: 'gone@example.com', name: 'Gone' });
      for (const to of ['gone@example.com', 'full@example.com']) await enqueueMail(store.db, { to, subject: 'Spring catalogue', text: 'x' });
      const report = await deliverDue(store.db, smtpTransport(sink.port), FROM, { baseDelayMs: 60_000 });
      expect(report).toMatchObject({ refused: 1, retrying: 1 });
      const rows = await store.db
        .selectFrom('mail_outbox')
        .select(['to_address', 'status', 'attempts', 'last_error'])
        .where('to_address', 'in', ['gone@example.com', 'full@example.com'])
        .orderBy('to_address')
        .execute();
      expect(rows[0]).toMatchObject({ to_address: 'full@example.com', status: 'pending' });
      expect(rows[1]).toMatchObject({ to_address: 'gone@example.com', status: 'failed', attempts: 1 });
      expect(rows[1]!.last_error).toContain('No such user');
      expect(await store.db.selectFrom('mail_suppressions').select(['email', 'reason']).execute()).toEqual([{ email: 'gone@example.com', reason: 'bounced' }]);
      const timeline = await store.db.selectFrom('activities').select(['type', 'summary']).where('contact_id', '=', gone.id).execute();
      expect(timeline).toContainEqual({ type: 'mail.hard-bounce', summary: 'Mail bounced (address refused); no more list mail to this address' });
      // The Message-ID names the outbox row, so a later report about it can be matched.
      await store.db.deleteFrom('mail_outbox').where('to_address', '=', 'full@example.com').execute();
    } finally {
      await store.db.deleteFrom('mail_suppressions').execute();
      await sink.close();
    }
  });

  it('names each message by its outbox id in its Message-ID', async () => {
    const sink = await smtpSink();
    try {
      const id = await enqueueMail(store.db, { to: 'named@example.com', subject: 'x', text: 'x' });
      await deliverDue(store.db, smtpTransport(sink.port), FROM);
      const mail = sink.received.find((m) => m.to[0] === 'named@example.com')!;
      expect(mail.parsed.messageId).toBe(`<${id}@${FROM.replace(/^.*@|>$/g, '')}>`);
    } finally {
      await sink.close();
    }
  });

  describe('claims are leases', () => {
    const T0 = '2026-08-01T09:00:00.000Z';
    const lease = { leaseMs: 60_000 };
    beforeEach(async () => {
      await store.db.deleteFrom('mail_outbox').execute();
    });

    it('leaves a live claim alone, sends a message again once its lease has passed, and ignores the late outcome of the worker that lost it', async () => {
      const id = await enqueueMail(store.db, { to: 'lease@example.com', subject: 'Your order', text: 'x' }, at(T0));
      // Worker A claims the message and is still sending it (its mail server is slow).
      const gate = deferred();
      const started = deferred();
      const slow: MailTransport = {
        sendMail: () => {
          started.resolve();
          return gate.promise;
        },
      };
      const workerA = deliverDue(store.db, slow, FROM, { ...lease, clock: at(T0) });
      await started.promise;
      const claim = await store.db.selectFrom('mail_outbox').select(['status', 'attempts', 'next_attempt_at']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(claim).toEqual({ status: 'sending', attempts: 1, next_attempt_at: plus(T0, 60_000) });

      // Worker B, 30 s later: the lease holds, so B neither sends nor touches it.
      const b = recorder();
      expect(await deliverDue(store.db, b.transport, FROM, { ...lease, clock: at(plus(T0, 30_000)) })).toMatchObject({ sent: 0, retrying: 0, failed: 0 });
      expect(b.sent).toEqual([]);
      expect(await store.db.selectFrom('mail_outbox').select(['status', 'attempts', 'next_attempt_at']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual(
        claim,
      );

      // Worker C, after the lease (A is taken as dead): C claims it again and sends it.
      const c = recorder();
      expect(await deliverDue(store.db, c.transport, FROM, { ...lease, clock: at(plus(T0, 61_000)) })).toMatchObject({ sent: 1, retrying: 0, failed: 0 });
      expect(c.sent).toEqual(['lease@example.com']);

      // A comes back with a failure: its claim is gone, so it must not put the sent message back in the queue.
      gate.reject(new Error('421 try again later'));
      await workerA;
      expect(
        await store.db.selectFrom('mail_outbox').select(['status', 'attempts', 'sent_at', 'last_error']).where('id', '=', id).executeTakeFirstOrThrow(),
      ).toEqual({
        status: 'sent',
        attempts: 2,
        sent_at: plus(T0, 61_000),
        last_error: null,
      });
      expect(await deliverDue(store.db, c.transport, FROM, { ...lease, clock: at(plus(T0, 3_600_000)) })).toMatchObject({ sent: 0, retrying: 0, failed: 0 });
    });

    it('marks an interrupted message failed when that was its last attempt, and retry puts it back', async () => {
      const id = await enqueueMail(store.db, { to: 'interrupted@example.com', subject: 'Confirm', text: 'x' }, at(T0));
      // A worker claimed its second (last) attempt and died mid-send.
      await store.db
        .updateTable('mail_outbox')
        .set({ status: 'sending', attempts: 2, next_attempt_at: plus(T0, 60_000) })
        .where('id', '=', id)
        .execute();
      const r = recorder();
      expect(await deliverDue(store.db, r.transport, FROM, { ...lease, maxAttempts: 2, clock: at(plus(T0, 59_000)) })).toMatchObject({
        sent: 0,
        retrying: 0,
        failed: 0,
      });
      expect(await deliverDue(store.db, r.transport, FROM, { ...lease, maxAttempts: 2, clock: at(plus(T0, 60_000)) })).toMatchObject({
        sent: 0,
        retrying: 0,
        failed: 1,
      });
      expect(r.sent).toEqual([]);
      const failed = await store.db.selectFrom('mail_outbox').select(['status', 'attempts', 'last_error']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(failed.status).toBe('failed');
      expect(failed.last_error).toMatch(/interrupted/);

      // Staff retry it (by a prefix of its id): due now, a fresh set of attempts; then it is sent.
      const now = at(plus(T0, 120_000));
      expect(await retryMail(store.db, id.slice(0, 8), now)).toEqual({ outcome: 'queued', id, was: 'failed' });
      expect(await store.db.selectFrom('mail_outbox').select(['status', 'attempts', 'next_attempt_at']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual(
        {
          status: 'pending',
          attempts: 0,
          next_attempt_at: plus(T0, 120_000),
        },
      );
      expect(await deliverDue(store.db, r.transport, FROM, { ...lease, maxAttempts: 2, clock: now })).toMatchObject({ sent: 1, retrying: 0, failed: 0 });
      expect(r.sent).toEqual(['interrupted@example.com']);
      expect(await retryMail(store.db, id, now)).toMatchObject({ outcome: 'already-sent', id });
      expect(await retryMail(store.db, '00000000-0000-4000-8000-000000000000', now)).toEqual({ outcome: 'not-found' });
    });

    it('retries an interrupted claim, but not one that is still being sent', async () => {
      const id = await enqueueMail(store.db, { to: 'claimed@example.com', subject: 'x', text: 'x' }, at(T0));
      await store.db
        .updateTable('mail_outbox')
        .set({ status: 'sending', attempts: 1, next_attempt_at: plus(T0, 60_000) })
        .where('id', '=', id)
        .execute();
      expect(await retryMail(store.db, id, at(plus(T0, 10_000)))).toEqual({ outcome: 'in-flight', id, leaseUntil: plus(T0, 60_000) });
      expect(await retryMail(store.db, id, at(plus(T0, 60_000)))).toEqual({ outcome: 'queued', id, was: 'sending' });
    });

    it('lists what needs attention (failed, then sending, then pending), filters by status, and counts', async () => {
      const ids: Record<string, string> = {};
      for (const [i, name] of ['sent', 'failed', 'sending', 'stuck', 'pending'].entries()) {
        ids[name] = await enqueueMail(store.db, { to: `${name}@example.com`, subject: `About ${name}`, text: 'x' }, at(plus(T0, i * 1000)));
      }
      const set = (name: string, values: Updateable<MailOutboxTable>) => store.db.updateTable('mail_outbox').set(values).where('id', '=', ids[name]!).execute();
      await set('sent', { status: 'sent', attempts: 1, sent_at: T0 });
      await set('failed', { status: 'failed', attempts: 8, last_error: '550 no such user' });
      await set('sending', { status: 'sending', attempts: 1, next_attempt_at: plus(T0, 600_000) });
      await set('stuck', { status: 'sending', attempts: 3, next_attempt_at: plus(T0, 60_000) });
      const clock = at(plus(T0, 120_000));

      const attention = await listOutbox(store.db, { clock });
      expect(attention.total).toBe(4);
      expect(attention.entries.map((e) => [e.to, e.status, e.interrupted])).toEqual([
        ['failed@example.com', 'failed', false],
        ['sending@example.com', 'sending', false],
        ['stuck@example.com', 'sending', true],
        ['pending@example.com', 'pending', false],
      ]);
      expect(attention.entries[0]).toMatchObject({ id: ids.failed, subject: 'About failed', attempts: 8, lastError: '550 no such user' });
      expect((await listOutbox(store.db, { statuses: ['sent'], clock })).entries.map((e) => e.to)).toEqual(['sent@example.com']);
      expect((await listOutbox(store.db, { statuses: ['failed'], clock })).entries.map((e) => e.to)).toEqual(['failed@example.com']);
      const firstTwo = await listOutbox(store.db, { clock, limit: 2 });
      expect([firstTwo.total, firstTwo.entries.length]).toEqual([4, 2]);
      expect(await outboxCounts(store.db)).toEqual({ pending: 1, sending: 2, failed: 1 });
    });

    it('shows the outbox counts on /admin/status, to signed-in staff only', async () => {
      await enqueueMail(store.db, { to: 'waiting@example.com', subject: 'x', text: 'x' }, at(T0));
      const failedId = await enqueueMail(store.db, { to: 'failed@example.com', subject: 'x', text: 'x' }, at(T0));
      await store.db.updateTable('mail_outbox').set({ status: 'failed' }).where('id', '=', failedId).execute();
      const contact = await upsertContact(store.db, { email: 'status-editor@example.com', name: 'Editor' });
      const accountId = crypto.randomUUID();
      await store.db.insertInto('accounts').values({ id: accountId, contact_id: contact.id, role: 'editor', created_at: T0 }).execute();
      const cookie = `${SESSION_COOKIE}=${await createSession(store.db, accountId)}`;
      const services = { db: store.db, clock: () => new Date(), log: () => {}, config: parseOptions(TEST_OPTIONS) } as unknown as Services;
      const server = http.createServer((req, res) => void serveBuildStatus(req, res, services, undefined));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin/status`;
      try {
        const asJson = await fetch(base, { headers: { cookie, accept: 'application/json' } });
        expect(await asJson.json()).toEqual({ state: 'idle', live: '', mail: { pending: 1, sending: 0, failed: 1 } });
        const page = await (await fetch(base, { headers: { cookie } })).text();
        expect(page).toContain('1 message waits to be sent, 0 are being sent, 1 has failed.');
        expect(page).toContain('npx rapport mail retry');
        const anonymous = await fetch(base, { headers: { accept: 'application/json' } });
        expect(anonymous.status).toBe(401);
        expect(await anonymous.text()).not.toContain('pending');
      } finally {
        server.close();
      }
    });
  });

  describe('a slow or silent mail server', () => {
    beforeEach(async () => {
      await store.db.deleteFrom('mail_outbox').execute();
    });

    it('stops a send at its deadline and retries it later, even when the transport ignores the abort', async () => {
      await enqueueMail(store.db, { to: 'hang@example.com', subject: 'x', text: 'x' });
      let signal: AbortSignal | undefined;
      const hangs: MailTransport = {
        sendMail: (m) => {
          signal = m.signal;
          return new Promise(() => {});
        },
      };
      const started = Date.now();
      expect(await deliverDue(store.db, hangs, FROM, { leaseMs: 600, baseDelayMs: 60_000 })).toMatchObject({ sent: 0, retrying: 1, failed: 0 });
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(signal?.aborted).toBe(true);
      const row = await store.db.selectFrom('mail_outbox').select(['status', 'last_error']).executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'pending', last_error: 'Sending took longer than 300 ms and was stopped.' });
    });

    it('does not let a server that never greets hold up the queue: a few messages are tried at once', async () => {
      const silent = await silentServer();
      const timeoutMs = 500;
      const count = 16;
      const concurrency = 4;
      try {
        for (let i = 0; i < count; i++) await enqueueMail(store.db, { to: `silent.${i}@example.com`, subject: 'x', text: 'x' });
        // Short timeouts through the URL's query, as a site could set them in SMTP_URL.
        const transport = createMailTransport({
          smtpUrl: `smtp://127.0.0.1:${silent.port}?connectionTimeout=${timeoutMs}&greetingTimeout=${timeoutMs}`,
          mailDir: '',
        });
        const started = Date.now();
        const report = await deliverDue(store.db, transport, FROM, { concurrency });
        const elapsed = Date.now() - started;
        expect(report).toMatchObject({ sent: 0, retrying: count, failed: 0 });
        // One at a time this would take count × timeout (8 s); four at a time it is count / 4 waves.
        expect(elapsed).toBeGreaterThanOrEqual((count / concurrency) * timeoutMs * 0.9);
        expect(elapsed).toBeLessThan((count / concurrency + 3) * timeoutMs);
        expect(silent.maxConnections()).toBe(concurrency);
        const rows = await store.db.selectFrom('mail_outbox').select(['status', 'attempts', 'last_error']).execute();
        expect(rows).toHaveLength(count);
        for (const row of rows) expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringMatching(/greeting/i) as unknown });
      } finally {
        await silent.close();
      }
    });

    it('sends a claimed message only while its claim has a whole send left; the rest go back untried', async () => {
      for (let i = 0; i < 3; i++) await enqueueMail(store.db, { to: `queued.${i}@example.com`, subject: 'x', text: 'x' });
      const sent: string[] = [];
      const slow: MailTransport = { sendMail: async (m) => void (await new Promise((r) => setTimeout(r, 400)), sent.push(m.to)) };
      // One lane claims all three with a 1 s lease, so 500 ms per send at most: at 0 and 400 ms a
      // whole send fits in what is left of the claim; at 800 ms it does not, and the third goes back.
      const report = await deliverDue(store.db, slow, FROM, { concurrency: 1, leaseMs: 1_000 });
      expect(report).toMatchObject({ sent: 2, retrying: 0, failed: 0 });
      expect(sent).toHaveLength(2);
      const rows = await store.db.selectFrom('mail_outbox').select(['to_address', 'status', 'attempts']).orderBy('to_address').execute();
      expect(rows.filter((r) => r.status === 'sent')).toHaveLength(2);
      expect(rows.filter((r) => r.status === 'pending')).toHaveLength(1);
      for (const row of rows.filter((r) => r.status !== 'sent')) expect(row).toMatchObject({ status: 'pending', attempts: 0 });
    });

    it('delivers through a real SMTP server with several messages in flight at once', async () => {
      const sink = await smtpSink(0, { holdMs: 150 });
      try {
        for (let i = 0; i < 8; i++) await enqueueMail(store.db, { to: `batch.${i}@example.com`, subject: `Batch ${i}`, text: 'x' });
        const report = await deliverDue(store.db, createMailTransport({ smtpUrl: `smtp://127.0.0.1:${sink.port}`, mailDir: '' }), FROM);
        expect(report).toMatchObject({ sent: 8, retrying: 0, failed: 0 });
        expect(sink.received.map((m) => m.to[0]).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `batch.${i}@example.com`).sort());
        expect(sink.inFlight.max).toBeGreaterThan(1);
        expect(sink.inFlight.max).toBeLessThanOrEqual(4);
      } finally {
        await sink.close();
      }
    });
  });
});

describe('the SMTP transport', () => {
  it('keeps four messages per pooled connection in flight, and the outbox default without a pool', () => {
    expect(outboxConcurrency('smtp://mail.example.com:587')).toBeUndefined();
    expect(outboxConcurrency(undefined)).toBeUndefined();
    expect(outboxConcurrency('smtp://mail.example.com:587?pool=true')).toBe(20);
    expect(outboxConcurrency('smtp://mail.example.com:587?pool=true&maxConnections=2')).toBe(8);
    expect(outboxConcurrency('smtp://mail.example.com:587?pool=true&maxConnections=999')).toBe(50);
  });

  it('gives up on a dead or silent server in seconds, and lets the SMTP URL override that', () => {
    const options = (smtpUrl: string) =>
      (createMailTransport({ smtpUrl, mailDir: '' }) as unknown as { transporter: { options: Record<string, unknown> } }).transporter.options;
    expect(options('smtp://user:pass@mail.example.com:587')).toMatchObject({
      ...SMTP_TIMEOUTS,
      host: 'mail.example.com',
      port: 587,
      auth: { user: 'user', pass: 'pass' },
    });
    expect(SMTP_TIMEOUTS).toEqual({ connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
    expect(options('smtp://mail.example.com:587?socketTimeout=60000')).toMatchObject({
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 60_000,
    });
  });
});

describe('npx rapport mail', () => {
  let dir: string;
  const cli = (...args: string[]) =>
    promisify(execFile)(process.execPath, [path.resolve('integrations/rapport/cli/rapport.ts'), ...args], {
      cwd: dir,
      env: { ...process.env, DATABASE_URL: '' },
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rapport-mail-cli-'));
    await mkdir(path.join(dir, 'var'));
    const store = openStore({ sqliteFile: path.join(dir, 'var', 'rapport.sqlite') });
    try {
      await migrateToLatest(store);
      for (const name of ['sent', 'failed', 'pending'])
        ids[name] = await enqueueMail(store.db, { to: `${name}@example.com`, subject: `About ${name}`, text: 'x' }, at('2026-08-01T09:00:00.000Z'));
      await store.db.updateTable('mail_outbox').set({ status: 'sent', attempts: 1, sent_at: '2026-08-01T09:00:01.000Z' }).where('id', '=', ids.sent!).execute();
      await store.db
        .updateTable('mail_outbox')
        .set({ status: 'failed', attempts: 8, last_error: '550 5.1.1 no such user' })
        .where('id', '=', ids.failed!)
        .execute();
    } finally {
      await store.close();
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lists what needs attention, filters by status, and retries a failed message', async () => {
    const list = await cli('mail', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(
      `${ids.failed}  failed    8 attempts  gave up\n    to failed@example.com: About failed\n    last error: 550 5.1.1 no such user`,
    );
    expect(list.stdout).toContain(`${ids.pending}  pending   0 attempts  next attempt 2026-08-01 09:00:00 UTC\n    to pending@example.com: About pending`);
    expect(list.stdout).not.toContain('sent@example.com');
    expect(list.stdout.indexOf('failed@')).toBeLessThan(list.stdout.indexOf('pending@'));
    expect(list.stdout).toContain('2 messages. Send one again with: npx rapport mail retry <id>');
    const sent = await cli('mail', 'list', '--status', 'sent');
    expect(sent.stdout).toContain(`${ids.sent}  sent      1 attempt   sent 2026-08-01 09:00:01 UTC`);
    expect(sent.stdout).not.toContain('failed@');
    expect((await cli('mail', 'list', '--status', 'bounced')).code).toBe(2);

    const retry = await cli('mail', 'retry', ids.failed!.slice(0, 8));
    expect(retry.code).toBe(0);
    expect(retry.stdout).toContain(`Message ${ids.failed} is queued again`);
    expect((await cli('mail', 'list', '--status', 'failed')).stdout).toBe('No failed mail.\n');
    const again = await cli('mail', 'retry', ids.sent!);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('was already sent');
    expect((await cli('mail', 'retry', 'ffffffff')).stderr).toBe('There is no message ffffffff.\n');
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
