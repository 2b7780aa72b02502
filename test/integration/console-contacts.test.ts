import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { load } from 'cheerio';
import { parse } from 'csv-parse/sync';
import { FileSystemConfigLoader, HtmlValidate } from 'html-validate';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSession } from '../../integrations/rapport/core/security/sessions.ts';
import type { ContactKind } from '../../integrations/rapport/core/store/schema.ts';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { raw } from '../helpers/form-client.ts';
import { orderRow } from '../helpers/orders.ts';
import { signedIn } from '../helpers/staff.ts';
import { drivers } from '../helpers/store-drivers.ts';

const distDir = inject('referenceBuild');
const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const validator = new HtmlValidate(new FileSystemConfigLoader());
const EVIL_NAME = '=HYPERLINK("http://evil.example","x")';

/** The console's Contacts section: the list and its filters, the CSV download, a contact's page and its actions. */
describe.each(drivers)('the contacts console on $name', (driver) => {
  let tmp: string;
  let running: RunningServer;
  let base: string;
  let service: Awaited<ReturnType<typeof signedIn>>;
  let editor: Awaited<ReturnType<typeof signedIn>>;
  const ids: Record<string, string> = {};
  const db = () => running.store.db;

  const get = (p: string, who: { cookie: string }) => raw(base + p, { headers: { cookie: who.cookie } });
  const post = (p: string, fields: Record<string, string>, who: { cookie: string }) =>
    raw(base + p, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, cookie: who.cookie },
      body: new URLSearchParams(fields).toString(),
    });
  /** The addresses the list shows for a query string, in order, and whether it offers a next page. */
  const listed = async (query: string) => {
    const answer = await get(`/admin/crm/contacts/${query}`, service);
    expect(answer.status).toBe(200);
    const $ = load(answer.text);
    const emails = $('tbody tr td:first-child a')
      .map((_, a) => $(a).text())
      .get();
    return { emails, next: $('a[rel=next]').attr('href'), $ };
  };
  const auditOf = (action: string) => db().selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('created_at').execute();

  async function contact(email: string, name: string, kind: ContactKind, createdAt: string, organisation: string | null = null) {
    const id = randomUUID();
    await db().insertInto('contacts').values({ id, email, name, organisation, kind, created_at: createdAt, updated_at: createdAt }).execute();
    ids[email] = id;
    return id;
  }
  const subscribe = (contactId: string, list: string, status: 'pending' | 'confirmed' | 'unsubscribed', at: string) =>
    db()
      .insertInto('list_subscriptions')
      .values({ contact_id: contactId, list, status, created_at: at, confirmed_at: status === 'pending' ? null : at, updated_at: at })
      .execute();
  const order = (contactId: string, number: string, status: 'delivered' | 'cancelled', cents: number, at: string) =>
    db()
      .insertInto('orders')
      .values(orderRow({ contactId, number, status, subtotalCents: cents, at }))
      .execute();
  const tag = (contactId: string, name: string) =>
    db().insertInto('contact_tags').values({ contact_id: contactId, tag: name, created_at: '2025-01-10T00:00:00.000Z' }).execute();

  beforeAll(async () => {
    await driver.setup();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-console-contacts-'));
    running = await startServer({ distDir, port: 0, host: '127.0.0.1', store: driver.options(), secret: SECRET, projectRoot: tmp });
    base = serverUrl(running.server);
    service = await signedIn(db(), 'service');
    editor = await signedIn(db(), 'editor');

    const alice = await contact('alice@seed.example', 'Alice Archer', 'customer', '2025-01-01T10:00:00.000Z', 'Prairie Gardens');
    const bob = await contact('bob@seed.example', 'Bob Baker', 'prospect', '2025-01-02T10:00:00.000Z');
    const carol = await contact('carol@seed.example', 'carol Chu', 'supplier', '2025-01-03T10:00:00.000Z', 'Chinook Seeds Ltd');
    const dan = await contact('dan@seed.example', 'Dan 100%_Done', 'partner', '2025-01-04T10:00:00.000Z');
    await contact('eve@seed.example', 'Eve', 'investor', '2025-01-05T10:00:00.000Z');
    await contact('evil@seed.example', EVIL_NAME, 'customer', '2025-01-06T10:00:00.000Z', '+1+1');
    await contact('sum@seed.example', '@SUM(A1)', 'customer', '2025-01-07T10:00:00.000Z', '-2');
    for (let i = 0; i < 55; i++)
      await contact(`bulk-${String(i).padStart(2, '0')}@many.example`, `Bulk ${i}`, 'prospect', `2024-06-01T00:00:${String(i).padStart(2, '0')}.000Z`);

    await subscribe(alice, 'news', 'confirmed', '2025-01-01T11:00:00.000Z');
    await subscribe(bob, 'news', 'pending', '2025-01-02T11:00:00.000Z');
    await subscribe(carol, 'news', 'unsubscribed', '2025-01-03T11:00:00.000Z');
    await subscribe(carol, 'reminders', 'confirmed', '2025-01-03T11:00:00.000Z');
    await subscribe(dan, 'news', 'unsubscribed', '2025-01-04T11:00:00.000Z');
    await order(alice, '250101-AAAA', 'delivered', 5000, '2025-01-08T10:00:00.000Z');
    await order(alice, '250102-BBBB', 'cancelled', 2000, '2025-01-09T10:00:00.000Z');
    await tag(alice, 'wholesale');
    await tag(carol, 'vip');

    // Carol's history: a consent, a failed mail, a sent one, a sign-up, and a sign-in to her account.
    await db()
      .insertInto('consent_ledger')
      .values({
        id: randomUUID(),
        contact_id: carol,
        purpose: 'newsletter:reminders',
        action: 'granted',
        form_id: 'subscribe',
        wording_hash: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
        policy_version: '2025-03-01',
        source: 'web:/subscribe',
        created_at: '2025-01-03T11:00:00.000Z',
      })
      .execute();
    const mail = { text_body: 'x', html_body: null, headers: null, next_attempt_at: '2025-01-03T12:00:00.000Z' };
    await db()
      .insertInto('mail_outbox')
      .values({
        ...mail,
        id: randomUUID(),
        to_address: 'carol@seed.example',
        subject: 'Time to plant tulips',
        status: 'failed',
        attempts: 5,
        last_error: '550 mailbox unavailable',
        created_at: '2025-01-03T12:00:00.000Z',
        sent_at: null,
      })
      .execute();
    await db()
      .insertInto('mail_outbox')
      .values({
        ...mail,
        id: randomUUID(),
        to_address: 'carol@seed.example',
        subject: 'Please confirm your sign-up',
        status: 'sent',
        last_error: null,
        created_at: '2025-01-03T11:00:00.000Z',
        sent_at: '2025-01-03T11:00:05.000Z',
      })
      .execute();
    await db()
      .insertInto('mail_outbox')
      .values({
        ...mail,
        id: randomUUID(),
        to_address: 'someone-else@seed.example',
        subject: 'Not for Carol',
        status: 'failed',
        last_error: 'nope',
        created_at: '2025-01-03T12:00:00.000Z',
        sent_at: null,
      })
      .execute();
    await db()
      .insertInto('activities')
      .values({
        id: randomUUID(),
        contact_id: carol,
        type: 'subscribed',
        summary: 'Subscribed to Planting reminders',
        data: null,
        created_at: '2025-01-03T11:00:00.000Z',
      })
      .execute();
    const account = randomUUID();
    await db().insertInto('accounts').values({ id: account, contact_id: carol, role: 'customer', created_at: '2025-01-03T11:30:00.000Z' }).execute();
    await createSession(db(), account, () => new Date('2025-01-04T08:00:00.000Z'));
  });
  afterAll(async () => {
    await running?.close();
    await rm(tmp, { recursive: true, force: true });
    await driver.teardown();
  });

  it('searches name, e-mail and organisation, case-insensitively, with wildcards taken literally', async () => {
    expect((await listed('?q=ARCHER')).emails).toEqual(['alice@seed.example']);
    expect((await listed('?q=chinook+seeds')).emails).toEqual(['carol@seed.example']);
    expect((await listed('?q=BOB%40SEED')).emails).toEqual(['bob@seed.example']);
    expect((await listed('?q=%25')).emails).toEqual(['dan@seed.example']);
    expect((await listed('?q=0%25_d')).emails).toEqual(['dan@seed.example']);
    expect((await listed('?q=_')).emails).toEqual(['dan@seed.example']);
    expect((await listed('?q=nobody-has-this')).emails).toEqual([]);
    expect((await listed('?q=arch%00er')).emails).toEqual(['alice@seed.example']);
  });

  it('filters by kind, list, consent, orders and tag, and sorts', async () => {
    const seed = async (query: string) => (await listed(`?q=seed.example&${query}`)).emails.sort();
    expect(await seed('kind=supplier')).toEqual(['carol@seed.example']);
    expect(await seed('kind=investor')).toEqual(['eve@seed.example']);
    expect(await seed('kind=nonsense')).toHaveLength(7);
    expect(await seed('list=news')).toEqual(['alice@seed.example', 'bob@seed.example', 'carol@seed.example', 'dan@seed.example']);
    expect(await seed('consent=subscribed')).toEqual(['alice@seed.example', 'carol@seed.example']);
    expect(await seed('consent=subscribed&list=news')).toEqual(['alice@seed.example']);
    expect(await seed('consent=subscribed&list=reminders')).toEqual(['carol@seed.example']);
    // Carol left the newsletter but still gets the reminders: unsubscribed from news, not from everything.
    expect(await seed('consent=unsubscribed')).toEqual(['dan@seed.example']);
    expect(await seed('consent=unsubscribed&list=news')).toEqual(['carol@seed.example', 'dan@seed.example']);
    expect(await seed('consent=none')).toEqual(['bob@seed.example', 'eve@seed.example', 'evil@seed.example', 'sum@seed.example']);
    expect(await seed('consent=none&list=news')).toEqual(['bob@seed.example', 'eve@seed.example', 'evil@seed.example', 'sum@seed.example']);
    expect(await seed('ordered=yes')).toEqual(['alice@seed.example']);
    expect(await seed('ordered=no')).toHaveLength(6);
    expect(await seed('tag=+VIP+')).toEqual(['carol@seed.example']);
    expect(await seed('tag=vip&kind=customer')).toEqual([]);

    expect((await listed('?q=seed.example')).emails.slice(0, 3)).toEqual(['sum@seed.example', 'evil@seed.example', 'eve@seed.example']);
    expect((await listed('?q=seed.example&sort=oldest')).emails.slice(0, 3)).toEqual(['alice@seed.example', 'bob@seed.example', 'carol@seed.example']);
    expect((await listed('?q=seed.example&sort=email')).emails).toEqual([
      'alice@seed.example',
      'bob@seed.example',
      'carol@seed.example',
      'dan@seed.example',
      'eve@seed.example',
      'evil@seed.example',
      'sum@seed.example',
    ]);
    // By name, whatever the case ("carol Chu" between Bob and Dan); names starting with signs are left out (collations differ on them).
    const byName = (await listed('?q=seed.example&sort=name')).emails.filter((e) => /^(alice|bob|carol|dan|eve)@/.test(e));
    expect(byName).toEqual(['alice@seed.example', 'bob@seed.example', 'carol@seed.example', 'dan@seed.example', 'eve@seed.example']);
  });

  it('shows 50 a page with a next link that keeps the choices, and the columns read for the page', async () => {
    const first = await listed('?q=many.example&sort=oldest');
    expect(first.emails).toHaveLength(50);
    expect(first.emails[0]).toBe('bulk-00@many.example');
    expect(first.next).toBe('/admin/crm/contacts/?q=many.example&sort=oldest&page=2');
    const second = await listed('?q=many.example&sort=oldest&page=2');
    expect(second.emails).toEqual(['bulk-50@many.example', 'bulk-51@many.example', 'bulk-52@many.example', 'bulk-53@many.example', 'bulk-54@many.example']);
    expect(second.next).toBeUndefined();

    const { $ } = await listed('?q=alice');
    const cells = $('tbody tr')
      .first()
      .find('td')
      .map((_, td) => $(td).text().trim())
      .get();
    expect(cells[0]).toContain('Alice Archer');
    expect(cells[0]).toContain('wholesale');
    expect(cells[1]).toBe('Prairie Gardens');
    expect(cells[2]).toBe('Customer');
    expect(cells[3]).toBe('The Chinook newsletter');
    expect(cells[4]).toBe('2');
    expect(cells[5]).toBe('$50.00');
    expect($('tbody tr a').attr('href')).toBe(`/admin/crm/contacts/${ids['alice@seed.example']}`);
    expect($('a[download]').attr('href')).toBe('/admin/crm/contacts/export.csv?q=alice');
    // Quick links to the kinds that are not customers.
    for (const kind of ['supplier', 'partner', 'investor']) expect($(`a[href="/admin/crm/contacts/?kind=${kind}"]`)).toHaveLength(1);
  });

  it('draws valid pages', async () => {
    for (const page of ['/admin/crm/contacts/?q=seed', '/admin/crm/contacts/?kind=supplier&page=2', `/admin/crm/contacts/${ids['carol@seed.example']}`]) {
      const answer = await get(page, service);
      expect(answer.status).toBe(200);
      const report = await validator.validateString(answer.text);
      expect(report.results.flatMap((r) => r.messages.map((m) => `${page}:${m.line} ${m.ruleId}: ${m.message}`))).toEqual([]);
    }
  });

  it('shows a contact with their lists, orders and timeline: consent with its policy version, failed mail, sign-ins', async () => {
    const page = await get(`/admin/crm/contacts/${ids['carol@seed.example']}`, service);
    expect(page.status).toBe(200);
    const $ = load(page.text);
    expect($('h1').text()).toBe('carol Chu');
    expect($('dl.facts').text()).toContain('Chinook Seeds Ltd');
    expect($('dl.facts').text()).toContain('Supplier');
    const rows = $('h2:contains("Timeline") + .table-wrap tbody tr')
      .map((_, tr) => $(tr).text().replace(/\s+/g, ' ').trim())
      .get();
    const consent = rows.find((r) => r.includes('Consent given'))!;
    expect(consent).toContain('newsletter:reminders');
    expect(consent).toContain('version 2025-03-01');
    expect(consent).toContain('a1b2c3d4e5f6');
    expect(consent).not.toContain('a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2');
    expect($('a[href="/privacy/changes#v2025-03-01"]')).toHaveLength(1);
    const failed = rows.find((r) => r.includes('Mail failed'))!;
    expect(failed).toContain('Time to plant tulips');
    expect(failed).toContain('550 mailbox unavailable');
    expect(rows.some((r) => r.includes('Mail sent') && r.includes('Please confirm your sign-up'))).toBe(true);
    expect(rows.some((r) => r.includes('Signed in'))).toBe(true);
    expect(rows.some((r) => r.includes('Not for Carol'))).toBe(false);
    // Newest first: the sign-in (4 January) before the failed mail (3 January, 12:00) before the sign-up.
    const order = ['Signed in', 'Mail failed', 'Consent given'].map((label) => rows.findIndex((r) => r.includes(label)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect($('h2:contains("Lists") + .table-wrap').text()).toMatch(/Planting reminders\s*Subscribed/);
    expect($('h2:contains("Lists") + .table-wrap').text()).toMatch(/The Chinook newsletter\s*Unsubscribed/);

    const alice = load((await get(`/admin/crm/contacts/${ids['alice@seed.example']}`, service)).text);
    expect(alice('a[href="/admin/crm/orders/250101-AAAA"]').text()).toBe('250101-AAAA');
    expect(alice('h2:contains("Orders") + .table-wrap').text()).toContain('Cancelled');
  });

  it('caps the timeline at 100 events, 500 with "show more", and keeps pages small', async () => {
    const id = ids['eve@seed.example']!;
    const events = Array.from({ length: 600 }, (_, i) => ({
      id: randomUUID(),
      contact_id: id,
      type: 'enquiry',
      summary: `Question about bulb order number ${i} and when the lilies ship`,
      data: null,
      created_at: new Date(Date.parse('2025-02-01T00:00:00.000Z') + i * 60_000).toISOString(),
    }));
    for (let i = 0; i < events.length; i += 100)
      await db()
        .insertInto('activities')
        .values(events.slice(i, i + 100))
        .execute();
    const timeline = ($: ReturnType<typeof load>) => $('h2:contains("Timeline") + .table-wrap tbody tr');
    const short = await get(`/admin/crm/contacts/${id}`, service);
    let $ = load(short.text);
    expect(timeline($)).toHaveLength(100);
    expect(timeline($).first().text()).toContain('order number 599');
    expect($(`a[href="/admin/crm/contacts/${id}?more=1"]`).text()).toContain('Show more');
    const long = await get(`/admin/crm/contacts/${id}?more=1`, service);
    $ = load(long.text);
    expect(timeline($)).toHaveLength(500);
    expect(timeline($).last().text()).toContain('order number 100');
    expect($('a[href$="?more=1"]')).toHaveLength(0);
    expect(gzipSync(long.text).length).toBeLessThan(30_000);
    expect(gzipSync((await get('/admin/crm/contacts/?q=many.example', service)).text).length).toBeLessThan(30_000);
  });

  it('answers an unknown contact with 404', async () => {
    const page = await get('/admin/crm/contacts/no-such-contact', service);
    expect(page.status).toBe(404);
    expect(page.text).toContain('Contact not found');
    const posted = await post('/admin/crm/contacts/no-such-contact', { intent: 'tag-add', tag: 'x' }, service);
    expect(posted.status).toBe(404);
    // A NUL (which PostgreSQL cannot even compare) is no contact either, not a server error.
    expect((await get('/admin/crm/contacts/a%00b', service)).status).toBe(404);
    expect((await get(`/admin/crm/contacts/${'x'.repeat(500)}`, service)).status).toBe(404);
  });

  it('saves an edit with its old and new values in the audit log; nothing changed records nothing', async () => {
    const id = ids['carol@seed.example']!;
    const saved = await post(
      `/admin/crm/contacts/${id}`,
      { intent: 'update', kind: 'partner', organisation: ' Chinook\u0000 Seeds ', notes: 'Calls on Tuesdays.\r\nPrefers mail.' },
      service,
    );
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe(`/admin/crm/contacts/${id}?done=saved`);
    const row = await db().selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect([row.kind, row.organisation, row.notes]).toEqual(['partner', 'Chinook Seeds', 'Calls on Tuesdays.\nPrefers mail.']);
    const [entry, ...others] = await auditOf('contact.update');
    expect(others).toHaveLength(0);
    expect(entry).toMatchObject({ actor: service.email, subject_type: 'contact', subject_id: id });
    expect(JSON.parse(entry!.data!)).toEqual({
      old: { kind: 'supplier', organisation: 'Chinook Seeds Ltd', notes: null },
      new: { kind: 'partner', organisation: 'Chinook Seeds', notes: 'Calls on Tuesdays.\nPrefers mail.' },
    });
    const page = load((await get(`/admin/crm/contacts/${id}?done=saved`, service)).text);
    expect(page('.notice').text()).toBe('Saved.');
    expect(page('textarea[name=notes]').text()).toBe('Calls on Tuesdays.\nPrefers mail.');
    expect(page('h2:contains("Timeline") + .table-wrap').text()).toContain('Changed the kind, organisation, notes of carol@seed.example');

    const same = await post(
      `/admin/crm/contacts/${id}`,
      { intent: 'update', kind: 'partner', organisation: 'Chinook Seeds', notes: 'Calls on Tuesdays.\nPrefers mail.' },
      service,
    );
    expect(same.headers.location).toBe(`/admin/crm/contacts/${id}?done=unchanged`);
    expect(await auditOf('contact.update')).toHaveLength(1);

    const bad = await post(`/admin/crm/contacts/${id}`, { intent: 'update', kind: 'wizard', organisation: '', notes: '' }, service);
    expect(bad.status).toBe(400);
    expect(load(bad.text)('.error').text()).toBe('Choose what kind of contact this is.');
    expect((await db().selectFrom('contacts').select('kind').where('id', '=', id).executeTakeFirstOrThrow()).kind).toBe('partner');
  });

  it('adds and removes tags (normalised), each recorded', async () => {
    const id = ids['bob@seed.example']!;
    const added = await post(`/admin/crm/contacts/${id}`, { intent: 'tag-add', tag: '  Big   Order ' }, service);
    expect(added.status).toBe(303);
    expect(added.headers.location).toBe(`/admin/crm/contacts/${id}?done=tagged`);
    const tags = async () => (await db().selectFrom('contact_tags').select('tag').where('contact_id', '=', id).execute()).map((t) => t.tag);
    expect(await tags()).toEqual(['big order']);
    expect((await listed('?tag=big+order')).emails).toEqual(['bob@seed.example']);
    expect((await post(`/admin/crm/contacts/${id}`, { intent: 'tag-add', tag: 'BIG ORDER' }, service)).headers.location).toBe(
      `/admin/crm/contacts/${id}?done=tagged-already`,
    );
    for (const refused of ['<script>', '', 'x'.repeat(41)]) {
      const answer = await post(`/admin/crm/contacts/${id}`, { intent: 'tag-add', tag: refused }, service);
      expect(answer.status).toBe(400);
    }
    expect(await tags()).toEqual(['big order']);
    const tagged = await auditOf('contact.tag');
    expect(tagged.map((e) => [e.subject_id, JSON.parse(e.data!).tag])).toEqual([[id, 'big order']]);

    const removed = await post(`/admin/crm/contacts/${id}`, { intent: 'tag-remove', tag: 'big order' }, service);
    expect(removed.headers.location).toBe(`/admin/crm/contacts/${id}?done=untagged`);
    expect(await tags()).toEqual([]);
    expect((await auditOf('contact.untag')).map((e) => e.summary)).toEqual(['Removed the tag “big order” from bob@seed.example']);
    expect((await post(`/admin/crm/contacts/${id}`, { intent: 'tag-remove', tag: 'big order' }, service)).status).toBe(404);
  });

  it('refuses an editor (no contacts permission) on every page and action, changing nothing', async () => {
    const id = ids['eve@seed.example']!;
    const before = await db().selectFrom('audit_log').select('id').execute();
    for (const page of ['/admin/crm/contacts/', `/admin/crm/contacts/${id}`, '/admin/crm/contacts/export.csv']) {
      const answer = await get(page, editor);
      expect(answer.status).toBe(403);
      expect(answer.text).toContain('does not include contacts');
    }
    expect((await post(`/admin/crm/contacts/${id}`, { intent: 'update', kind: 'customer', organisation: 'Taken', notes: '' }, editor)).status).toBe(403);
    expect((await post(`/admin/crm/contacts/${id}`, { intent: 'tag-add', tag: 'taken' }, editor)).status).toBe(403);
    const row = await db().selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect([row.kind, row.organisation]).toEqual(['investor', null]);
    expect(await db().selectFrom('contact_tags').select('tag').where('contact_id', '=', id).execute()).toEqual([]);
    expect(await db().selectFrom('audit_log').select('id').execute()).toHaveLength(before.length);
  });

  it('downloads the filtered list as CSV (every page), formulas escaped, and records the download', async () => {
    const csv = async (query: string) => {
      const answer = await get(`/admin/crm/contacts/export.csv${query}`, service);
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(answer.headers['content-disposition']).toMatch(/^attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"$/);
      return parse(answer.text, { bom: true, columns: true }) as Array<Record<string, string>>;
    };
    const seed = await csv('?q=seed.example&sort=email');
    expect(seed.map((r) => r.email)).toEqual((await listed('?q=seed.example&sort=email')).emails);
    expect(Object.keys(seed[0]!)).toEqual(['email', 'name', 'organisation', 'kind', 'created_at', 'lists', 'tags', 'orders', 'total_spent']);
    expect(seed.find((r) => r.email === 'alice@seed.example')).toEqual({
      email: 'alice@seed.example',
      name: 'Alice Archer',
      organisation: 'Prairie Gardens',
      kind: 'customer',
      created_at: '2025-01-01T10:00:00.000Z',
      lists: 'news',
      tags: 'wholesale',
      orders: '2',
      total_spent: '50.00',
    });
    const evil = seed.find((r) => r.email === 'evil@seed.example')!;
    expect([evil.name, evil.organisation]).toEqual([`'${EVIL_NAME}`, "'+1+1"]);
    const sum = seed.find((r) => r.email === 'sum@seed.example')!;
    expect([sum.name, sum.organisation]).toEqual(["'@SUM(A1)", "'-2"]);

    expect((await csv('?consent=unsubscribed&list=news')).map((r) => r.email).sort()).toEqual(['carol@seed.example', 'dan@seed.example']);
    const many = await csv('?q=many.example');
    expect(many).toHaveLength(55);

    const exports = await auditOf('contact.export');
    expect(exports.map((e) => JSON.parse(e.data!).rows)).toEqual([7, 2, 55]);
    expect(exports[1]!.summary).toBe('Downloaded 2 contacts as CSV (list news, consent unsubscribed)');
    expect(exports[0]!.actor).toBe(service.email);
  });
});
