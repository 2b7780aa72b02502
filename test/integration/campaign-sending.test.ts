import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseHTML } from 'linkedom';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { RapportConfig } from '../../integrations/rapport/config/schema.ts';
import { deliverDue } from '../../integrations/rapport/core/mail/outbox.ts';
import type { Services } from '../../integrations/rapport/core/services.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { migrateToLatest } from '../../integrations/rapport/core/store/migrate.ts';
import type { Store } from '../../integrations/rapport/core/store/open-store.ts';
import { queueBatch } from '../../integrations/rapport/features/newsletter/campaigns/batches.ts';
import { controlCampaign } from '../../integrations/rapport/features/newsletter/campaigns/control.ts';
import { eligibleCount, scheduleCampaign } from '../../integrations/rapport/features/newsletter/campaigns/create.ts';
import { runCampaigns } from '../../integrations/rapport/features/newsletter/campaigns/job.ts';
import { redirectHandler } from '../../integrations/rapport/features/newsletter/campaigns/redirect.ts';
import { campaignStats } from '../../integrations/rapport/features/newsletter/campaigns/stats.ts';
import { readIssues } from '../../integrations/rapport/features/newsletter/issue-file.ts';
import { createServices } from '../../integrations/rapport/server/services.ts';
import { smtpSink } from '../helpers/smtp-sink.ts';
import { drivers } from '../helpers/store-drivers.ts';

const distDir = inject('referenceBuild');
const built = JSON.parse(readFileSync(path.join(distDir, 'server', 'rapport.json'), 'utf8')) as { config: RapportConfig; site: string };
const issues = readIssues(distDir);
const issue = issues[0]!;
const FROM = 'Chinook Bulb Farm <hello@chinookbulbfarm.ca>';
const STAFF = { accountId: 'acct-1', email: 'owner@chinookbulbfarm.ca' };
const smtp = (port: number) => nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, connectionTimeout: 2000 });

/**
 * Sending a campaign, step by step on each store, with the clock in the test's hands: the
 * recipients snapshot, pacing, claims between servers, pause/resume/cancel, unsubscribes during a
 * send, a mail server that goes away, and a crash in the middle.
 */
describe.each(drivers)('sending a campaign on $name', (driver) => {
  let tmp: string;
  let store: Store;
  let now: Date;
  const clock = () => now;
  const services = (st: Store, campaigns: Partial<RapportConfig['crm']['campaigns']> = {}): Services => {
    const config = {
      ...built.config,
      crm: { ...built.config.crm, campaigns: { ratePerMinute: 0, clicks: 'count', opens: false, ...campaigns } },
    } as RapportConfig;
    const s = createServices(st, {
      config,
      site: built.site,
      secret: 'x'.repeat(40),
      secretFile: path.join(tmp, 'secret'),
      privacyVersion: 'test',
      clock,
      log: () => {},
    });
    s.newsletterIssues = issues;
    return s;
  };
  const db = () => store.db;

  const subscribe = async (email: string, list: string, status: 'pending' | 'confirmed' | 'unsubscribed' = 'confirmed') => {
    const contact = await upsertContact(db(), { email, name: 'Reader' }, clock);
    const at = now.toISOString();
    await db()
      .insertInto('list_subscriptions')
      .values({ contact_id: contact.id, list, status, created_at: at, confirmed_at: status === 'pending' ? null : at, updated_at: at })
      .onConflict((oc) => oc.columns(['contact_id', 'list']).doUpdateSet({ status }))
      .execute();
    return contact;
  };
  const schedule = async (s: Services, lists: string[], key = `key-${Math.random().toString(36).slice(2)}-000000`, sendAt?: Date) => {
    const made = await db()
      .transaction()
      .execute((trx) => scheduleCampaign(trx, s, STAFF, { issue, lists, formKey: key, sendAt }));
    if ('error' in made) throw new Error(made.error);
    return made.id;
  };
  const campaign = (id: string) => db().selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const recipients = (id: string) => db().selectFrom('campaign_recipients').selectAll().where('campaign_id', '=', id).orderBy('email').execute();
  const tick = (ms = 1000) => (now = new Date(now.getTime() + ms));

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-campaigns-'));
    await driver.setup();
  });
  beforeEach(async () => {
    if (store) await store.close();
    await driver.teardown();
    await driver.setup();
    store = driver.open();
    await migrateToLatest(store);
    now = new Date('2026-12-01T09:00:00.000Z');
  });
  afterAll(async () => {
    await store?.close();
    await driver.teardown();
    await rm(tmp, { recursive: true, force: true });
  });

  it('sends to the confirmed subscribers of the chosen lists, once each, minus those who left or bounced', async () => {
    const s = services(store);
    for (const n of [1, 2, 3]) await subscribe(`reader${n}@example.com`, 'news');
    await subscribe('both@example.com', 'news');
    await subscribe('both@example.com', 'reminders');
    await subscribe('left@example.com', 'news', 'unsubscribed');
    await subscribe('unconfirmed@example.com', 'news', 'pending');
    await subscribe('bounced@example.com', 'news');
    await db()
      .insertInto('mail_suppressions')
      .values({ email: 'bounced@example.com', reason: 'bounced', detail: null, created_at: now.toISOString() })
      .execute();
    await subscribe('reminders-only@example.com', 'reminders');

    expect(await eligibleCount(db(), ['news', 'reminders'], issue.slug)).toBe(5);
    const id = await schedule(s, ['news', 'reminders']);
    expect((await campaign(id)).status).toBe('scheduled');
    const queued = await runCampaigns(s);
    expect(queued).toBe(5);
    const c = await campaign(id);
    expect(c).toMatchObject({ status: 'sent', recipients: 5 });
    const rows = await recipients(id);
    expect(rows.map((r) => [r.email, r.list, r.status])).toEqual([
      ['both@example.com', 'news', 'queued'], // on both lists: once, on the first list chosen
      ['reader1@example.com', 'news', 'queued'],
      ['reader2@example.com', 'news', 'queued'],
      ['reader3@example.com', 'news', 'queued'],
      ['reminders-only@example.com', 'reminders', 'queued'],
    ]);

    const sink = await smtpSink();
    try {
      const report = await deliverDue(db(), smtp(sink.port), FROM, { clock });
      expect(report.sent).toBe(5);
      expect(sink.received.map((m) => m.to[0]).sort()).toEqual(rows.map((r) => r.email));
      const first = sink.received.find((m) => m.to[0] === 'reader1@example.com')!;
      const second = sink.received.find((m) => m.to[0] === 'reader2@example.com')!;
      expect(first.parsed.subject).toBe(issue.title);
      // Each reader's own unsubscribe link, in the header and the footer, straight to the site (never through /r/).
      const unsubscribe = (m: typeof first) => /^List-Unsubscribe:\s*<([^>]+)>/im.exec(m.raw)![1]!;
      expect(unsubscribe(first)).toMatch(/\/unsubscribe\?token=/);
      expect(unsubscribe(first)).not.toBe(unsubscribe(second));
      const { document } = parseHTML(String(first.parsed.html));
      const hrefs = [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')!);
      expect(hrefs).toContain(unsubscribe(first));
      expect(first.raw).not.toContain('{{rapport.');
      // Every other link is counted through /r/ on the site.
      const others = hrefs.filter((h) => !h.includes('token='));
      expect(others.length).toBeGreaterThan(1);
      for (const h of others) expect(h).toMatch(new RegExp(`^${new URL('/r/', built.site).href}[A-Za-z0-9_-]{12}$`));
      expect(String(first.parsed.text)).toMatch(/\/r\/[A-Za-z0-9_-]{12}/);
      // The reminders list's own footer and List-Id.
      const reminder = sink.received.find((m) => m.to[0] === 'reminders-only@example.com')!;
      expect(reminder.raw).toMatch(/^List-Id:[^<]*<reminders\./im);
    } finally {
      await sink.close();
    }
    const stats = await campaignStats(db(), await campaign(id));
    expect(stats).toMatchObject({ recipients: 5, queued: 5, accepted: 5, inOutbox: 0, failed: 0, bounced: 0 });
  });

  it('refuses a campaign that would reach nobody, and one already under way; the same form twice makes one campaign', async () => {
    const s = services(store);
    await subscribe('gone@example.com', 'news', 'unsubscribed');
    const empty = await db()
      .transaction()
      .execute((trx) => scheduleCampaign(trx, s, STAFF, { issue, lists: ['news'], formKey: 'empty-form-key-00000' }));
    expect(empty).toMatchObject({ status: 422 });
    expect('error' in empty && empty.error).toContain('Nobody would get this');
    expect(await db().selectFrom('campaigns').select('id').execute()).toEqual([]);

    await subscribe('reader@example.com', 'news');
    const a = await schedule(s, ['news'], 'same-form-key-000000', new Date('2026-12-02T09:00:00Z'));
    const b = await schedule(s, ['news'], 'same-form-key-000000', new Date('2026-12-02T09:00:00Z'));
    expect(b).toBe(a);
    const other = await db()
      .transaction()
      .execute((trx) => scheduleCampaign(trx, s, STAFF, { issue, lists: ['news'], formKey: 'other-form-key-00000' }));
    expect(other).toMatchObject({ status: 409 });
    // Not due yet: nothing happens until its time.
    expect(await runCampaigns(s)).toBe(0);
    now = new Date('2026-12-02T09:00:00Z');
    expect(await runCampaigns(s)).toBe(1);
    // Sent to the list again later (a second campaign of the issue): those who had it are left out.
    await subscribe('newcomer@example.com', 'news');
    expect(await eligibleCount(db(), ['news'], issue.slug)).toBe(1);
    const again = await schedule(s, ['news']);
    await runCampaigns(s);
    expect((await recipients(again)).map((r) => r.email)).toEqual(['newcomer@example.com']);
  });

  it('paces the send, and two servers running the job at once queue each person once', async () => {
    for (let n = 0; n < 25; n++) await subscribe(`paced${String(n).padStart(2, '0')}@example.com`, 'news');
    const a = services(store, { ratePerMinute: 300 }); // 5 a second
    // A second server: its own connection pool on PostgreSQL. SQLite serves one server (several need PostgreSQL), so there the two share the file's one connection.
    const second = driver.name === 'sqlite' ? store : driver.open();
    const b = services(second, { ratePerMinute: 300 });
    try {
      const id = await schedule(a, ['news']);
      const first = await Promise.all([runCampaigns(a), runCampaigns(b)]);
      expect(first[0] + first[1]).toBe(5);
      // Within the same second nothing more goes, whoever asks.
      expect((await Promise.all([runCampaigns(a), runCampaigns(b)])).reduce((x, y) => x + y)).toBe(0);
      for (let i = 0; i < 6; i++) {
        tick();
        await Promise.all([runCampaigns(a), runCampaigns(b)]);
      }
      const rows = await recipients(id);
      expect(rows.filter((r) => r.status === 'queued')).toHaveLength(25);
      const outbox = await db().selectFrom('mail_outbox').select(['to_address']).execute();
      expect(outbox).toHaveLength(25);
      expect(new Set(outbox.map((o) => o.to_address)).size).toBe(25);
      expect((await campaign(id)).status).toBe('sent');
    } finally {
      if (second !== store) await second.close();
    }
  });

  it('sends nothing more to someone who unsubscribes during the send', async () => {
    const s = services(store, { ratePerMinute: 120 }); // 2 a second
    const people = [];
    for (const n of [1, 2, 3, 4, 5, 6]) people.push(await subscribe(`during${n}@example.com`, 'news'));
    const id = await schedule(s, ['news']);
    await runCampaigns(s);
    const queuedFirst = (await recipients(id)).filter((r) => r.status === 'queued');
    expect(queuedFirst).toHaveLength(2);
    // One whose message waits in the outbox, one still waiting for their batch, both leave by one-click.
    const waitingInOutbox = queuedFirst[0]!;
    const notYet = (await recipients(id)).find((r) => r.status === 'pending')!;
    const { unsubscribeEndpoint } = await import('../../integrations/rapport/features/newsletter/unsubscribe.ts');
    for (const who of [waitingInOutbox, notYet]) {
      const { listMailLinks } = await import('../../integrations/rapport/features/newsletter/list-links.ts');
      const link = new URL((await listMailLinks(db(), s, who.contact_id, 'news')).unsubscribe);
      const answer = await unsubscribeEndpoint.intercept!(new URLSearchParams('List-Unsubscribe=One-Click'), s, {
        query: link.searchParams,
      } as never);
      expect(answer).toMatchObject({ status: 200 });
    }
    for (let i = 0; i < 4; i++) {
      tick();
      await runCampaigns(s);
    }
    const rows = await recipients(id);
    expect(rows.find((r) => r.contact_id === waitingInOutbox.contact_id)).toMatchObject({ status: 'skipped', skip_reason: 'unsubscribed' });
    expect(rows.find((r) => r.contact_id === notYet.contact_id)).toMatchObject({ status: 'skipped', skip_reason: 'unsubscribed' });
    const outbox = await db().selectFrom('mail_outbox').select('to_address').execute();
    expect(outbox.map((o) => o.to_address).sort()).toEqual(rows.filter((r) => r.status === 'queued').map((r) => r.email));
    expect(outbox).toHaveLength(4);
    expect((await campaignStats(db(), await campaign(id))).skipped).toEqual({ unsubscribed: 2 });
  });

  it('pauses, resumes and cancels; a cancelled campaign takes back what the outbox had not started', async () => {
    const s = services(store, { ratePerMinute: 60 }); // 1 a second
    for (const n of [1, 2, 3, 4, 5]) await subscribe(`control${n}@example.com`, 'news');
    const id = await schedule(s, ['news']);
    await runCampaigns(s);
    const control = async (action: 'pause' | 'resume' | 'cancel') => {
      const c = await campaign(id);
      return db()
        .transaction()
        .execute((trx) => controlCampaign(trx, c, action, now));
    };
    expect(await control('pause')).toHaveProperty('audit');
    tick();
    expect(await runCampaigns(s)).toBe(0);
    expect(await control('pause')).toMatchObject({ status: 409 });
    expect(await control('resume')).toHaveProperty('audit');
    tick();
    expect(await runCampaigns(s)).toBe(1);
    expect(await control('cancel')).toHaveProperty('audit');
    tick();
    expect(await runCampaigns(s)).toBe(0);
    const rows = await recipients(id);
    expect(rows.filter((r) => r.status === 'queued')).toHaveLength(0); // both queued messages were taken back
    expect(rows.filter((r) => r.skip_reason === 'cancelled')).toHaveLength(5);
    expect(await db().selectFrom('mail_outbox').select('id').execute()).toEqual([]);
    expect((await campaign(id)).status).toBe('cancelled');
  });

  it('holds back while the mail server is down and goes on by itself when it is back', async () => {
    const s = services(store, { ratePerMinute: 120 });
    for (const n of [1, 2, 3, 4]) await subscribe(`outage${n}@example.com`, 'news');
    const id = await schedule(s, ['news']);
    await runCampaigns(s);
    const probe = await smtpSink();
    const port = probe.port;
    await probe.close();
    const down = await deliverDue(db(), smtp(port), FROM, { clock, baseDelayMs: 30_000 });
    expect(down.retrying).toBe(2);
    tick();
    expect(await runCampaigns(s)).toBe(0);
    expect((await campaign(id)).note).toMatch(/Waiting for the mail server/);
    const sink = await smtpSink(port);
    try {
      tick(30_000);
      expect((await deliverDue(db(), smtp(port), FROM, { clock })).sent).toBe(2);
      tick();
      expect(await runCampaigns(s)).toBe(2);
      expect((await campaign(id)).note).toBeNull();
      expect((await deliverDue(db(), smtp(port), FROM, { clock })).sent).toBe(2);
      expect(sink.received.map((m) => m.to[0]).sort()).toEqual(['outage1@example.com', 'outage2@example.com', 'outage3@example.com', 'outage4@example.com']);
    } finally {
      await sink.close();
    }
  });

  it('resumes after a crash from its snapshot, without sending anyone twice', async () => {
    for (let n = 0; n < 12; n++) await subscribe(`crash${String(n).padStart(2, '0')}@example.com`, 'news');
    const id = await schedule(services(store, { ratePerMinute: 300 }), ['news']);
    await runCampaigns(services(store, { ratePerMinute: 300 }));
    const sink = await smtpSink();
    try {
      await deliverDue(db(), smtp(sink.port), FROM, { clock });
      // The server dies; a new one opens the same store later. People who subscribe meanwhile are not added.
      await store.close();
      store = driver.open();
      await subscribe('late@example.com', 'news');
      const s = services(store, { ratePerMinute: 300 });
      for (let i = 0; i < 4; i++) {
        tick();
        await runCampaigns(s);
        await deliverDue(db(), smtp(sink.port), FROM, { clock });
      }
      const got = sink.received.map((m) => m.to[0]!);
      expect(got).toHaveLength(12);
      expect(new Set(got).size).toBe(12);
      expect(got).not.toContain('late@example.com');
      expect((await campaign(id)).status).toBe('sent');
    } finally {
      await sink.close();
    }
  });

  it('holds a campaign whose issue left the site, and says why', async () => {
    const s = services(store);
    await subscribe('reader@example.com', 'news');
    const id = await schedule(s, ['news']);
    s.newsletterIssues = [];
    await runCampaigns(s);
    expect(await campaign(id)).toMatchObject({ status: 'paused', started_at: null });
    expect((await campaign(id)).note).toMatch(/not on the site any more/);
    s.newsletterIssues = issues;
    const held = await campaign(id);
    await db()
      .transaction()
      .execute((trx) => controlCampaign(trx, held, 'resume', now));
    expect(await runCampaigns(s)).toBe(1);
  });

  it('records who clicked and who opened only with per-person tracking on; with it off, links go straight to their page', async () => {
    const serveRedirects = async (s: Services) => {
      const server = http.createServer((req, res) => void redirectHandler.handle(req, res, { services: s, publish: () => {} }));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    };
    const message = async (email: string) => {
      const sink = await smtpSink();
      try {
        await deliverDue(db(), smtp(sink.port), FROM, { clock });
        return sink.received.find((m) => m.to[0] === email)!;
      } finally {
        await sink.close();
      }
    };
    const tracked = services(store, { clicks: 'per-person', opens: true });
    await subscribe('tracked@example.com', 'news');
    const id = await schedule(tracked, ['news']);
    await runCampaigns(tracked);
    const mail = await message('tracked@example.com');
    const ref = (await recipients(id))[0]!.ref;
    const { document } = parseHTML(String(mail.parsed.html));
    const link = [...document.querySelectorAll('a[href*="/r/"]')].map((a) => a.getAttribute('href')!)[0]!;
    const image = document.querySelector('img[width="1"]')!.getAttribute('src')!;
    expect(link).toMatch(new RegExp(`/r/[A-Za-z0-9_-]{12}/${ref}$`));
    expect(image).toMatch(new RegExp(`/r/[A-Za-z0-9_-]{12}/${ref}$`));
    const { server, base } = await serveRedirects(tracked);
    try {
      const hop = await fetch(base + new URL(link).pathname, { redirect: 'manual' });
      expect(hop.status).toBe(302);
      const pixel = await fetch(base + new URL(image).pathname);
      expect(pixel.headers.get('content-type')).toBe('image/gif');
      expect((await pixel.arrayBuffer()).byteLength).toBe(42);
      const events = await db().selectFrom('campaign_reader_events').select(['ref', 'link_id']).orderBy('created_at').execute();
      expect(events.map((e) => [e.ref, e.link_id === null ? 'open' : 'click'])).toEqual([
        [ref, 'click'],
        [ref, 'open'],
      ]);
      const stats = await campaignStats(db(), await campaign(id));
      expect(stats).toMatchObject({ opens: 1, readersWhoClicked: 1 });
      expect(stats.links.reduce((n, l) => n + l.clicks, 0)).toBe(1);
    } finally {
      server.close();
    }

    // Clicks off: no /r/ links, no image, no reader recorded.
    await subscribe('plain@example.com', 'news');
    const plain = services(store, { clicks: 'off', opens: false });
    const second = issues[1]!;
    const made = await db()
      .transaction()
      .execute((trx) => scheduleCampaign(trx, plain, STAFF, { issue: second, lists: ['news'], formKey: 'plain-form-key-000000' }));
    expect(made).toHaveProperty('id');
    await runCampaigns(plain);
    const untracked = await message('plain@example.com');
    expect(String(untracked.parsed.html)).not.toContain('/r/');
    expect(String(untracked.parsed.html)).not.toMatch(/<img[^>]+width="1"/);
  });

  it('hands batches to the outbox without waiting for the mail server when unpaced', async () => {
    const s = services(store, { ratePerMinute: 0 });
    for (let n = 0; n < 30; n++) await subscribe(`fast${String(n).padStart(2, '0')}@example.com`, 'news');
    const id = await schedule(s, ['news']);
    expect(await runCampaigns(s)).toBe(30);
    expect(await queueBatch(s, await campaign(id))).toBe(0);
  });
});
