import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrateToLatest } from '../../integrations/rapport/core/store/migrate.ts';
import type { Store } from '../../integrations/rapport/core/store/open-store.ts';
import { startServer, serverUrl, type ServeOptions } from '../../integrations/rapport/server/serve.ts';
import { deliveryState, sentMail, subscriber } from '../helpers/mail-recipients.ts';
import { drivers } from '../helpers/store-drivers.ts';

const MAILGUN_KEY = 'key-webhook-test-0123456789abcdef';
// SendGrid shows its verification key as base64 DER (SPKI); the test holds the private half to sign as SendGrid would.
const sendgridPair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const SENDGRID_PUBLIC = sendgridPair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
const otherPair = generateKeyPairSync('ec', { namedCurve: 'P-256' });

const now = () => Math.floor(Date.now() / 1000);

/** Signs a Mailgun payload as Mailgun does: HMAC-SHA256 of timestamp + token, in the body. */
function mailgunBody(eventData: object, options: { key?: string; timestamp?: number } = {}) {
  const timestamp = String(options.timestamp ?? now());
  const token = randomBytes(25).toString('hex');
  const signature = createHmac('sha256', options.key ?? MAILGUN_KEY)
    .update(timestamp + token)
    .digest('hex');
  return JSON.stringify({ signature: { timestamp, token, signature }, 'event-data': eventData });
}

/** Signs a SendGrid batch as SendGrid does: ECDSA P-256 over timestamp + raw body, base64 DER in a header. */
function sendgridHeaders(body: string, options: { privateKey?: typeof sendgridPair.privateKey; timestamp?: number } = {}) {
  const timestamp = String(options.timestamp ?? now());
  const signature = sign('sha256', Buffer.from(timestamp + body), options.privateKey ?? sendgridPair.privateKey).toString('base64');
  return { 'X-Twilio-Email-Event-Webhook-Signature': signature, 'X-Twilio-Email-Event-Webhook-Timestamp': timestamp };
}

const mailgunFailure = (recipient: string, severity: 'permanent' | 'temporary', messageId: string, code = severity === 'permanent' ? 550 : 452) => ({
  event: 'failed',
  severity,
  reason: severity === 'permanent' ? 'bounce' : 'generic',
  recipient,
  message: { headers: { 'message-id': messageId, to: recipient } },
  'delivery-status': { code, description: '', message: severity === 'permanent' ? '5.1.1 The email account does not exist' : '4.2.2 Mailbox full' },
});

/** The webhooks through the real server (a child process with the keys in its environment), on each store. */
describe.each(drivers)('bounce and complaint webhooks on $name', (driver) => {
  let child: ChildProcess;
  let base: string;
  let store: Store;
  let logged = '';
  const post = (p: string, body: string, headers: Record<string, string> = {}) =>
    fetch(base + p, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
  const eventCount = async () =>
    Number(
      (
        await store.db
          .selectFrom('mail_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    await driver.setup();
    store = driver.open();
    await migrateToLatest(store);
    const options: ServeOptions = {
      distDir: inject('referenceBuild'),
      port: 0,
      host: '127.0.0.1',
      store: driver.options(),
      secret: 'webhook-test-secret-0123456789-0123456789',
    };
    child = spawn(process.execPath, [path.join(import.meta.dirname, '../helpers/serve-child.ts')], {
      env: {
        ...process.env,
        RAPPORT_TEST_SERVER: JSON.stringify(options),
        MAILGUN_WEBHOOK_SIGNING_KEY: MAILGUN_KEY,
        SENDGRID_WEBHOOK_PUBLIC_KEY: SENDGRID_PUBLIC,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr!.on('data', (chunk: Buffer) => (logged += chunk.toString()));
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    base = (JSON.parse(line) as { url: string }).url.replace(/\/$/, '');
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await store?.close();
    await driver.teardown();
  });

  it('Mailgun: a signed permanent failure is a hard bounce for the outbox message it names', async () => {
    const id = 'a1b2c3d4-0000-4000-8000-000000000001';
    await sentMail(store.db, id, 'mg.gone@example.net');
    const answer = await post('/webhooks/mail/mailgun', mailgunBody(mailgunFailure('mg.gone@example.net', 'permanent', `${id}@rapport.example`)));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ recorded: 1 });
    const state = await deliveryState(store.db, 'mg.gone@example.net');
    expect(state.events).toEqual([{ kind: 'hard-bounce', source: 'mailgun', outbox_id: id, detail: '550 5.1.1 The email account does not exist bounce' }]);
    expect(state.suppression).toBe('bounced');
    // Mailgun retries a webhook it thinks failed: the same event again is recorded once.
    const again = await post('/webhooks/mail/mailgun', mailgunBody(mailgunFailure('mg.gone@example.net', 'permanent', `${id}@rapport.example`)));
    expect(await again.json()).toEqual({ recorded: 0 });
  });

  it('Mailgun: the third soft bounce in 30 days suppresses the address, not the first two', async () => {
    const email = 'mg.full@example.net';
    for (const [n, suppressed] of [
      [1, undefined],
      [2, undefined],
      [3, 'soft-bounces'],
    ] as const) {
      const id = `b1b2c3d4-0000-4000-8000-00000000000${n}`;
      await sentMail(store.db, id, email);
      const answer = await post('/webhooks/mail/mailgun', mailgunBody(mailgunFailure(email, 'temporary', `${id}@rapport.example`)));
      expect(answer.status).toBe(200);
      expect((await deliveryState(store.db, email)).suppression, `after soft bounce ${n}`).toBe(suppressed);
    }
  });

  it('Mailgun: a forged, unsigned or stale request gets 401, changes nothing and is logged', async () => {
    const before = await eventCount();
    const event = mailgunFailure('victim@example.net', 'permanent', 'x@rapport.example');
    const forged = await post('/webhooks/mail/mailgun', mailgunBody(event, { key: 'key-guessed' }));
    expect(forged.status).toBe(401);
    expect(await forged.text()).toBe('The signature does not match.\n');
    const unsigned = await post('/webhooks/mail/mailgun', JSON.stringify({ 'event-data': event }));
    expect(unsigned.status).toBe(401);
    const stale = await post('/webhooks/mail/mailgun', mailgunBody(event, { timestamp: now() - 11 * 60 }));
    expect(stale.status).toBe(401);
    expect(await stale.text()).toContain('more than 10 minutes from now');
    expect(await eventCount()).toBe(before);
    expect((await deliveryState(store.db, 'victim@example.net')).suppression).toBeUndefined();
    expect(logged).toContain('Mail webhook mailgun: refused a request from 127.0.0.1: The signature does not match. Nothing was recorded.');
    expect(logged).toMatch(/Mail webhook mailgun: refused .*more than 10 minutes/);
  });

  it('Mailgun: a complaint unsubscribes from every list, with a withdrawal in the consent ledger for each', async () => {
    const id = 'c1b2c3d4-0000-4000-8000-000000000001';
    await subscriber(store.db, 'mg.annoyed@example.net', { confirmed: ['news', 'reminders'] });
    await sentMail(store.db, id, 'mg.annoyed@example.net');
    const answer = await post(
      '/webhooks/mail/mailgun',
      mailgunBody({ event: 'complained', recipient: 'mg.annoyed@example.net', message: { headers: { 'message-id': `${id}@rapport.example` } } }),
    );
    expect(await answer.json()).toEqual({ recorded: 1 });
    const state = await deliveryState(store.db, 'mg.annoyed@example.net');
    expect(state.suppression).toBe('complained');
    expect(state.lists).toEqual([
      { list: 'news', status: 'unsubscribed' },
      { list: 'reminders', status: 'unsubscribed' },
    ]);
    expect(state.withdrawn).toEqual([
      { purpose: 'newsletter:news', source: 'mail:complaint:mailgun', form_id: 'mail:complaint' },
      { purpose: 'newsletter:reminders', source: 'mail:complaint:mailgun', form_id: 'mail:complaint' },
    ]);
  });

  it('SendGrid: a signed batch records bounces, blocks and spam reports, and passes over deliveries and deferrals', async () => {
    const id = 'd1b2c3d4-0000-4000-8000-000000000001';
    await sentMail(store.db, id, 'sg.gone@example.org');
    await subscriber(store.db, 'sg.annoyed@example.org', { confirmed: ['news'] });
    const body = JSON.stringify([
      { email: 'sg.ok@example.org', event: 'delivered', 'smtp-id': '<x@rapport.example>', timestamp: now() },
      { email: 'sg.slow@example.org', event: 'deferred', response: '400 try again later', timestamp: now() },
      {
        email: 'sg.gone@example.org',
        event: 'bounce',
        type: 'bounce',
        status: '5.1.1',
        reason: '550 5.1.1 No such user',
        'smtp-id': `<${id}@rapport.example>`,
      },
      { email: 'sg.blocked@example.org', event: 'bounce', type: 'blocked', status: '5.7.1', reason: '554 5.7.1 Blocked by policy' },
      { email: 'sg.annoyed@example.org', event: 'spamreport', timestamp: now() },
    ]);
    const answer = await post('/webhooks/mail/sendgrid', body, sendgridHeaders(body));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ recorded: 3 });
    expect((await deliveryState(store.db, 'sg.gone@example.org')).events).toEqual([
      { kind: 'hard-bounce', source: 'sendgrid', outbox_id: id, detail: '5.1.1 550 5.1.1 No such user' },
    ]);
    const blocked = await deliveryState(store.db, 'sg.blocked@example.org');
    expect(blocked.events.map((e) => e.kind)).toEqual(['soft-bounce']);
    expect(blocked.suppression).toBeUndefined();
    const annoyed = await deliveryState(store.db, 'sg.annoyed@example.org');
    expect(annoyed.suppression).toBe('complained');
    expect(annoyed.lists).toEqual([{ list: 'news', status: 'unsubscribed' }]);
    expect(annoyed.withdrawn).toEqual([{ purpose: 'newsletter:news', source: 'mail:complaint:sendgrid', form_id: 'mail:complaint' }]);
    expect((await deliveryState(store.db, 'sg.ok@example.org')).events).toEqual([]);
    expect((await deliveryState(store.db, 'sg.slow@example.org')).events).toEqual([]);
  });

  it('SendGrid: a signature by another key, a changed body, missing headers or a stale timestamp get 401 and change nothing', async () => {
    const before = await eventCount();
    const body = JSON.stringify([{ email: 'sg.victim@example.org', event: 'spamreport' }]);
    const otherKey = await post('/webhooks/mail/sendgrid', body, sendgridHeaders(body, { privateKey: otherPair.privateKey }));
    expect(otherKey.status).toBe(401);
    const signed = sendgridHeaders(body);
    const tampered = await post('/webhooks/mail/sendgrid', body.replace('sg.victim', 'sg.other'), signed);
    expect(tampered.status).toBe(401);
    const unsigned = await post('/webhooks/mail/sendgrid', body);
    expect(unsigned.status).toBe(401);
    expect(await unsigned.text()).toBe('Unsigned request: the signature and timestamp headers are missing.\n');
    const garbled = await post('/webhooks/mail/sendgrid', body, { ...signed, 'X-Twilio-Email-Event-Webhook-Signature': 'bm90IGEgc2lnbmF0dXJl' });
    expect(garbled.status).toBe(401);
    const stale = await post('/webhooks/mail/sendgrid', body, sendgridHeaders(body, { timestamp: now() - 3600 }));
    expect(stale.status).toBe(401);
    expect(await eventCount()).toBe(before);
    expect(logged).toContain('Mail webhook sendgrid: refused a request from 127.0.0.1: The signature does not match. Nothing was recorded.');
  });

  it('answers a malformed body with 400, an oversized one with 413, and keeps serving', async () => {
    const notJson = await post('/webhooks/mail/sendgrid', '[{"email": ', sendgridHeaders('[{"email": '));
    expect(notJson.status).toBe(400);
    expect(await notJson.text()).toBe('The body is not JSON.\n');
    const notArray = JSON.stringify({ email: 'x@example.org', event: 'bounce' });
    expect((await post('/webhooks/mail/sendgrid', notArray, sendgridHeaders(notArray))).status).toBe(400);
    const noEvent = JSON.stringify({ signature: JSON.parse(mailgunBody({})).signature });
    const mailgunNoEvent = await post('/webhooks/mail/mailgun', noEvent);
    expect(mailgunNoEvent.status).toBe(400);
    expect((await post('/webhooks/mail/mailgun', '\u0000\u0001garbage')).status).toBe(400);
    const huge = await post('/webhooks/mail/mailgun', JSON.stringify({ padding: 'x'.repeat(300 * 1024) }));
    expect(huge.status).toBe(413);
    // Only POST reaches the handler; a GET is an ordinary page request (not found).
    expect((await fetch(`${base}/webhooks/mail/mailgun`)).status).toBe(404);
    expect((await fetch(`${base}/`)).status).toBe(200);
  });
});

describe('a mail webhook whose key is not set', () => {
  it('answers 404 and records nothing, whatever is posted', async () => {
    const [driver] = drivers;
    await driver!.setup();
    const saved = [process.env.MAILGUN_WEBHOOK_SIGNING_KEY, process.env.SENDGRID_WEBHOOK_PUBLIC_KEY];
    delete process.env.MAILGUN_WEBHOOK_SIGNING_KEY;
    delete process.env.SENDGRID_WEBHOOK_PUBLIC_KEY;
    const running = await startServer({
      distDir: inject('referenceBuild'),
      port: 0,
      host: '127.0.0.1',
      store: driver!.options(),
      secret: 'webhook-test-secret-0123456789-0123456789',
    });
    try {
      const base = serverUrl(running.server).replace(/\/$/, '');
      for (const provider of ['mailgun', 'sendgrid']) {
        const body = provider === 'mailgun' ? mailgunBody(mailgunFailure('x@example.net', 'permanent', 'x@rapport.example')) : '[]';
        const answer = await fetch(`${base}/webhooks/mail/${provider}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...sendgridHeaders(body) },
          body,
        });
        expect(answer.status, provider).toBe(404);
      }
      expect(await running.store.db.selectFrom('mail_events').selectAll().execute()).toEqual([]);
    } finally {
      await running.close();
      if (saved[0] !== undefined) process.env.MAILGUN_WEBHOOK_SIGNING_KEY = saved[0];
      if (saved[1] !== undefined) process.env.SENDGRID_WEBHOOK_PUBLIC_KEY = saved[1];
      await driver!.teardown();
    }
  });
});
