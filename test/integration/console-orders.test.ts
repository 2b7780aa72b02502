import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { load } from 'cheerio';
import { parse } from 'csv-parse/sync';
import { FileSystemConfigLoader, HtmlValidate } from 'html-validate';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RapportConfig } from '../../integrations/rapport/config/schema.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { migrateToLatest } from '../../integrations/rapport/core/store/migrate.ts';
import { openStore } from '../../integrations/rapport/core/store/open-store.ts';
import type { Database, OrderStatus } from '../../integrations/rapport/core/store/schema.ts';
import { runStaffAction } from '../../integrations/rapport/features/orders/staff-actions.ts';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { formClient, raw, type Answer } from '../helpers/form-client.ts';
import { insertOrderWithLine } from '../helpers/orders.ts';
import { signedIn } from '../helpers/staff.ts';
import { drivers } from '../helpers/store-drivers.ts';

const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const distDir = inject('referenceBuild');
const built = JSON.parse(readFileSync(path.join(distDir, 'server', 'rapport.json'), 'utf8')) as { config: RapportConfig; site: string };
const validator = new HtmlValidate(new FileSystemConfigLoader());

let keys = 0;
const formKey = () => `console-order-key-${Date.now().toString(36)}-${keys++}`.padEnd(24, 'x');
const address = { street: '12 Main St', city: 'Lacombe', region: 'CA-AB', postal: 'T4L 2N3', country: 'CA', shipping: 'standard', payment: 'e-transfer' };

/** An order written straight to the store, as the order form would have left it. */
async function insertOrder(db: Kysely<Database>, o: { number: string; email: string; at: string; status: OrderStatus }) {
  const contact = await upsertContact(db, { email: o.email, name: 'Bulk Buyer', kind: 'customer' });
  const shipTo = { name: 'Bulk Buyer', street: '1 Road', city: 'Lacombe', region: 'AB', postal: 'T4L 2N3', country: 'CA' };
  await insertOrderWithLine(db, {
    contactId: contact.id,
    number: o.number,
    status: o.status,
    at: o.at,
    subtotalCents: 1000,
    taxCents: 50,
    paymentMethod: 'invoice',
    shipTo,
  });
}

/** The Orders section of the staff console: the list, an order's page and its actions, the slip, the CSV. */
describe.each(drivers)('the Orders section of the staff console on $name', (driver) => {
  let tmp: string;
  let running: RunningServer;
  let base: string;
  let service: Awaited<ReturnType<typeof signedIn>>;
  let editor: Awaited<ReturnType<typeof signedIn>>;
  const db = () => running.store.db;
  const tag = `${driver.name}-${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-console-orders-'));
    await driver.setup();
    running = await startServer({
      distDir,
      port: 0,
      host: '127.0.0.1',
      store: driver.options(),
      secret: SECRET,
      projectRoot: tmp,
      rateLimits: { perIp: { points: 10_000, duration: 600 }, messagesPerAddress: { points: 100, duration: 3600 } },
    });
    base = serverUrl(running.server);
    service = await signedIn(db(), 'service');
    editor = await signedIn(db(), 'editor');
  });
  afterAll(async () => {
    await running?.close();
    await driver.teardown();
    await rm(tmp, { recursive: true, force: true });
  });

  const get = (p: string, who: { cookie: string }) => raw(base + p, { headers: { cookie: who.cookie } });
  const post = (p: string, fields: Record<string, string>, who: { cookie: string }) =>
    raw(base + p, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, cookie: who.cookie },
      body: new URLSearchParams(fields).toString(),
    });
  /** Places an order through the real order form, as a customer would; returns its number. */
  const place = async (fields: Record<string, string>) => {
    const answer = await formClient(base, SECRET).post('/order', { ...address, step: 'place', order_key: formKey(), ...fields });
    expect(answer.status, answer.text.slice(0, 400)).toBe(303);
    return /^\/orders\/([\w-]+)\?/.exec(String(answer.headers.location))![1]!;
  };
  const statusOf = async (number: string) => (await db().selectFrom('orders').select('status').where('number', '=', number).executeTakeFirstOrThrow()).status;
  const eventsOf = (number: string) =>
    db()
      .selectFrom('order_events')
      .innerJoin('orders', 'orders.id', 'order_events.order_id')
      .select(['order_events.status', 'order_events.actor', 'order_events.note'])
      .where('orders.number', '=', number)
      .orderBy('order_events.created_at')
      .execute();
  const auditOf = (number: string) =>
    db().selectFrom('audit_log').select(['action', 'actor', 'summary', 'data']).where('subject_type', '=', 'order').where('subject_id', '=', number).execute();
  const mailTo = (email: string) => db().selectFrom('mail_outbox').select(['subject', 'text_body']).where('to_address', '=', email).execute();
  const rowsOf = (answer: Answer) =>
    load(answer.text)('main tbody tr')
      .map((_, tr) => load(tr)('td').first().text())
      .get();
  const valid = async (answer: Answer, name: string) => {
    const report = await validator.validateString(answer.text, name);
    expect(report.results.flatMap((r) => r.messages.map((m) => `${name}:${m.line} ${m.ruleId}: ${m.message}`))).toEqual([]);
  };

  /** Orders written straight to the store (many at once, on chosen days), for the pager and the date range. */
  const insertOrders = async (count: number, domain: string, firstDay: string) => {
    for (let i = 0; i < count; i++) {
      const at = new Date(Date.parse(`${firstDay}T12:00:00Z`) + i * 86_400_000).toISOString();
      // Six characters of the order-number alphabet, one set per order.
      const tail = `B${String(i)
        .padStart(5, '0')
        .replace(/[01]/g, (d) => (d === '0' ? 'Q' : 'R'))}`;
      await insertOrder(db(), { number: `${at.slice(2, 10).replaceAll('-', '')}-${tail}`, email: `bulk@${domain}`, at, status: 'delivered' });
    }
  };

  it('lists orders with counts per status, filters by status, and searches by number, e-mail or name', async () => {
    const email = `lister.${tag}@example.com`;
    const first = await place({ email, name: 'Lise Lister', 'qty_ALL-GIG-3': '2' });
    const second = await place({ email: `other.${tag}@example.com`, name: 'Otto Other', 'qty_LIL-MAR-3': '1' });
    await post(`/admin/crm/orders/${second}`, { intent: 'confirm' }, service);

    const list = await get('/admin/crm/orders/', service);
    expect(list.status).toBe(200);
    expect(list.headers['cache-control']).toBe('private, no-store');
    await valid(list, 'orders list');
    const $ = load(list.text);
    const received = await db().selectFrom('orders').select('id').where('status', '=', 'received').execute();
    expect($('a[href="/admin/crm/orders/?status=received"]').text()).toBe(`Received (${received.length})`);
    expect($(`a[href="/admin/crm/orders/${first}"]`).text()).toBe(first);
    expect($(`tr:has(a[href="/admin/crm/orders/${first}"]) td`).eq(5).text()).toBe('2');

    expect(rowsOf(await get(`/admin/crm/orders/?q=${first.toLowerCase()}`, service))).toEqual([first]);
    expect(rowsOf(await get(`/admin/crm/orders/?q=${encodeURIComponent(email.toUpperCase())}`, service))).toEqual([first]);
    expect(rowsOf(await get(`/admin/crm/orders/?q=lise+lis`, service))).toEqual([first]);
    // A LIKE wildcard is taken literally.
    expect(rowsOf(await get(`/admin/crm/orders/?q=${encodeURIComponent('%')}`, service))).toEqual([]);

    const confirmed = rowsOf(await get(`/admin/crm/orders/?status=confirmed&q=${tag}`, service));
    expect(confirmed).toEqual([second]);
    const receivedHere = rowsOf(await get(`/admin/crm/orders/?status=received&q=${tag}`, service));
    expect(receivedHere).toContain(first);
    expect(receivedHere).not.toContain(second);
    // Nonsense in the query string falls back to no filter rather than failing.
    expect((await get('/admin/crm/orders/?status=bogus&page=-3&from=2024-13-45', service)).status).toBe(200);
  });

  it('pages through 50 orders at a time and narrows to a date range', async () => {
    const domain = `pages-${tag}.example`;
    await insertOrders(55, domain, '2024-01-01');
    const one = await get(`/admin/crm/orders/?q=${domain}`, service);
    expect(rowsOf(one)).toHaveLength(50);
    const next = load(one.text)('a[rel=next]').attr('href');
    expect(next).toBe(`/admin/crm/orders/?q=${domain}&page=2`);
    const two = await get(next!, service);
    expect(rowsOf(two)).toHaveLength(5);
    expect(load(two.text)('a[rel=next]')).toHaveLength(0);
    // Newest first: the last page has the oldest (1 January 2024).
    expect(rowsOf(two).at(-1)).toMatch(/^240101-/);
    const range = rowsOf(await get(`/admin/crm/orders/?q=${domain}&from=2024-01-10&to=2024-01-12`, service));
    expect(range.map((n) => n.slice(0, 6))).toEqual(['240112', '240111', '240110']);
  });

  it('shows an order: customer, address, lines, totals and taxes, history, and only the actions its status allows', async () => {
    const email = `shown.${tag}@example.com`;
    const number = await place({
      email,
      name: 'Sam Shown',
      organisation: 'Shown Gardens',
      'qty_TUL-QON-10': '3',
      'qty_LIL-MAR-3': '1',
      note: 'Leave it by the barn.',
    });
    const page = await get(`/admin/crm/orders/${number}`, service);
    expect(page.status).toBe(200);
    await valid(page, 'order page');
    const $ = load(page.text);
    expect($('h1').text()).toBe(`Order ${number}`);
    const contact = await db().selectFrom('contacts').select('id').where('email', '=', email).executeTakeFirstOrThrow();
    expect($(`a[href="/admin/crm/contacts/${contact.id}"]`).text()).toBe('Sam Shown');
    const main = $('main').text();
    for (const text of ["Tulip 'Queen of Night'", 'Shown Gardens', '12 Main St', 'Leave it by the barn.', 'Interac e-Transfer']) expect(main).toContain(text);
    const totals = $('tfoot tr')
      .map((_, tr) => `${$(tr).find('th').text()}: ${$(tr).find('td').text()}`)
      .get();
    expect(totals).toEqual(['Goods: $66.80', 'Shipping (Standard parcel): $11.50', 'GST 5 %: $3.92', 'Total: $82.22']);
    expect($('main table').last().find('tbody td').eq(2).text()).toBe('customer');
    const intents = $('input[name=intent]')
      .map((_, i) => $(i).attr('value'))
      .get();
    expect(intents).toEqual(['confirm', 'ship', 'cancel']);
    expect($(`a[href="/admin/crm/orders/${number}/slip"]`)).toHaveLength(1);
  });

  it('confirms and ships from the console with the CLI’s functions: shipment stored, the customer mailed the tracking link, each step audited', async () => {
    const email = `shipped.${tag}@example.com`;
    const number = await place({ email, name: 'Cora Parcel', 'qty_FRI-MEL-10': '1' });

    const confirm = await post(`/admin/crm/orders/${number}`, { intent: 'confirm' }, service);
    expect(confirm.status).toBe(303);
    expect(confirm.headers.location).toBe(`/admin/crm/orders/${number}?done=confirmed`);
    expect(await statusOf(number)).toBe('confirmed');
    expect((await mailTo(email)).map((m) => m.subject)).toContain(`Order ${number} confirmed`);

    const ship = await post(`/admin/crm/orders/${number}`, { intent: 'ship', tracking: 'ra 123 456 785 ca', carrier: '' }, service);
    expect(ship.status).toBe(303);
    expect(ship.headers.location).toBe(`/admin/crm/orders/${number}?done=shipped`);
    expect(await statusOf(number)).toBe('shipped');
    const url = 'https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=RA123456785CA';
    const shipments = await db()
      .selectFrom('shipments')
      .innerJoin('orders', 'orders.id', 'shipments.order_id')
      .select(['carrier', 'tracking_number', 'tracking_url', 'confidence'])
      .where('orders.number', '=', number)
      .execute();
    expect(shipments).toEqual([{ carrier: 'canada-post', tracking_number: 'RA123456785CA', tracking_url: url, confidence: 'high' }]);
    const mail = (await mailTo(email)).find((m) => m.subject === `Order ${number} has shipped`);
    expect(mail?.text_body).toContain(url);
    expect(mail?.text_body).toContain('Canada Post');

    expect((await eventsOf(number)).map((e) => [e.status, e.actor])).toEqual([
      ['received', 'customer'],
      ['confirmed', `staff:${service.email}`],
      ['shipped', `staff:${service.email}`],
    ]);
    const audit = await auditOf(number);
    expect(audit.map((a) => [a.action, a.actor]).sort()).toEqual([
      ['order.confirm', service.email],
      ['order.ship', service.email],
    ]);
    expect(JSON.parse(audit.find((a) => a.action === 'order.ship')!.data!)).toMatchObject({
      from: 'confirmed',
      to: 'shipped',
      carrier: 'canada-post',
      tracking: 'RA123456785CA',
    });

    const after = await get(`/admin/crm/orders/${number}?done=shipped`, service);
    const $ = load(after.text);
    expect($('[role=status]').text()).toContain('The customer has been e-mailed the tracking link');
    expect($(`a[href="${url}"]`).text()).toBe('RA123456785CA');
    expect(
      $('input[name=intent]')
        .map((_, i) => $(i).attr('value'))
        .get(),
    ).toEqual(['ship', 'deliver', 'return']);
    // The query string picks a notice; it is never echoed.
    expect((await get(`/admin/crm/orders/${number}?done=%3Cb%3Ehi`, service)).text).not.toContain('<b>hi');

    // A UPS parcel, carrier chosen by hand, then delivered.
    expect((await post(`/admin/crm/orders/${number}`, { intent: 'ship', tracking: '1Z999AA10123456784', carrier: 'ups' }, service)).status).toBe(303);
    expect((await post(`/admin/crm/orders/${number}`, { intent: 'deliver' }, service)).status).toBe(303);
    expect(await statusOf(number)).toBe('delivered');
    expect((await auditOf(number)).map((a) => a.action).sort()).toEqual(['order.confirm', 'order.deliver', 'order.ship', 'order.ship']);
  });

  it('runs an action inside the caller’s transaction: rolled back, nothing of it stays (status, history, mail)', async () => {
    const email = `rollback.${tag}@example.com`;
    const number = await place({ email, name: 'Rolf Back', 'qty_ALL-GIG-3': '1' });
    const mails = (await mailTo(email)).length;
    const services = { db: db(), config: built.config, site: new URL(built.site), secret: SECRET, clock: () => new Date() };
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await runStaffAction(trx, { ...services, db: trx }, number, { action: 'ship', tracking: '1Z999AA10123456784' }, 'staff:test');
          throw new Error('the audit entry failed');
        }),
    ).rejects.toThrow('the audit entry failed');
    expect(await statusOf(number)).toBe('received');
    expect(await eventsOf(number)).toHaveLength(1);
    expect(await mailTo(email)).toHaveLength(mails);
  });

  it('refuses a change the order cannot take with a message (409), and changes nothing', async () => {
    const email = `cancel.${tag}@example.com`;
    const number = await place({ email, name: 'Cam Cancel', 'qty_ALL-GIG-3': '1' });
    const cancel = await post(`/admin/crm/orders/${number}`, { intent: 'cancel', note: 'The bulbs you chose are sold out; sorry.' }, service);
    expect(cancel.status).toBe(303);
    expect(await statusOf(number)).toBe('cancelled');
    const mail = (await mailTo(email)).find((m) => m.subject === `Order ${number} cancelled`);
    expect(mail?.text_body).toContain('The bulbs you chose are sold out; sorry.');
    const before = { events: await eventsOf(number), audit: await auditOf(number), mail: (await mailTo(email)).length };
    expect(before.audit.map((a) => a.action)).toEqual(['order.cancel']);

    const deliver = await post(`/admin/crm/orders/${number}`, { intent: 'deliver' }, service);
    expect(deliver.status).toBe(409);
    expect(load(deliver.text)('[role=alert]').text()).toBe('This order is cancelled, so it cannot be marked delivered. Nothing was changed.');
    expect(load(deliver.text)('input[name=intent]')).toHaveLength(0);
    await valid(deliver, 'refused action');
    expect(await statusOf(number)).toBe('cancelled');
    expect({ events: await eventsOf(number), audit: await auditOf(number), mail: (await mailTo(email)).length }).toEqual(before);

    // Refused by the shipping functions themselves (an OrderError thrown inside the transaction).
    const other = await place({ email, name: 'Cam Cancel', 'qty_ALL-GIG-3': '1' });
    const short = await post(`/admin/crm/orders/${other}`, { intent: 'ship', tracking: 'ABC12', carrier: '' }, service);
    expect(short.status).toBe(409);
    expect(load(short.text)('[role=alert]').text()).toBe('"ABC12" is too short to be a tracking number. Nothing was changed.');
    expect(load(short.text)('#ship-tracking').attr('value')).toBe('ABC12');
    expect(await statusOf(other)).toBe('received');
    expect(await auditOf(other)).toEqual([]);
    for (const [fields, status] of [
      [{ intent: 'ship', tracking: '', carrier: '' }, 422],
      [{ intent: 'ship', tracking: '1Z999AA10123456784', carrier: 'pigeon' }, 422],
      [{ intent: 'explode' }, 400],
    ] as const) {
      expect((await post(`/admin/crm/orders/${other}`, fields, service)).status, JSON.stringify(fields)).toBe(status);
    }
    expect(await eventsOf(other)).toHaveLength(1);
  });

  it('refuses roles without orders (403 on every page and action) and answers unknown orders with 404', async () => {
    const number = await place({ email: `guarded.${tag}@example.com`, name: 'Gus Guarded', 'qty_ALL-GIG-3': '1' });
    for (const p of ['/admin/crm/orders/', `/admin/crm/orders/${number}`, `/admin/crm/orders/${number}/slip`, '/admin/crm/orders/export.csv']) {
      const answer = await get(p, editor);
      expect(answer.status, p).toBe(403);
      expect(answer.text).not.toContain(number);
    }
    const refused = await post(`/admin/crm/orders/${number}`, { intent: 'confirm' }, editor);
    expect(refused.status).toBe(403);
    expect(await statusOf(number)).toBe('received');
    expect(await eventsOf(number)).toHaveLength(1);
    expect(await auditOf(number)).toEqual([]);
    const today = await get('/admin/crm/', editor);
    expect(today.text).not.toContain('/admin/crm/orders/');

    for (const p of ['/admin/crm/orders/261125-ZZZZZZ', '/admin/crm/orders/nonsense', '/admin/crm/orders/261125-ZZZZZZ/slip']) {
      const answer = await get(p, service);
      expect(answer.status, p).toBe(404);
      expect(answer.text).toContain('Order not found');
    }
    expect((await post('/admin/crm/orders/261125-ZZZZZZ', { intent: 'confirm' }, service)).status).toBe(404);
  });

  it('counts waiting orders on the Today page, each linking to its list', async () => {
    const today = load((await get('/admin/crm/', service)).text);
    const waiting = await db().selectFrom('orders').select('id').where('status', '=', 'received').execute();
    const tile = today('a[href="/admin/crm/orders/?status=received"]');
    expect(tile.find('strong').text()).toBe(waiting.length.toLocaleString('en-CA'));
    expect(tile.text()).toContain('Orders waiting to be confirmed');
    expect(tile.hasClass('attention')).toBe(waiting.length > 0);
    expect(today('a[href="/admin/crm/orders/?status=confirmed"]').text()).toContain('Orders waiting to ship');
    // Shipped this week: the orders shipped by the tests above.
    const shipped = today('a[href="/admin/crm/orders/?status=shipped"]');
    expect(Number(shipped.find('strong').text())).toBeGreaterThanOrEqual(1);
  });

  it('prints a packing slip and invoice: the business, the order, ship-to, lines, totals and taxes, payment', async () => {
    const number = await place({
      email: `slip.${tag}@example.com`,
      name: 'Pat Slip',
      'qty_TUL-QON-10': '3',
      'qty_LIL-MAR-3': '1',
      payment: 'purchase-order',
      po_number: 'PO-4471',
    });
    const slip = await get(`/admin/crm/orders/${number}/slip`, service);
    expect(slip.status).toBe(200);
    expect(slip.headers['cache-control']).toBe('private, no-store');
    await valid(slip, 'packing slip');
    const $ = load(slip.text);
    expect($('h1')).toHaveLength(1);
    const text = $('main').text();
    for (const expected of [
      built.config.business.legalName,
      built.config.business.address.streetAddress,
      number,
      'Pat Slip',
      '12 Main St',
      "Tulip 'Queen of Night'",
      'Purchase order',
      'PO-4471',
      'GST 5 %',
      '$82.22',
    ])
      expect(text).toContain(expected);
    const packed = $('tbody tr')
      .map((_, tr) => `${$(tr).find('td').eq(1).text()} × ${$(tr).find('td').eq(3).text()}`)
      .get();
    expect(packed.sort()).toEqual(['1 × LIL-MAR-3', '3 × TUL-QON-10']);
    expect($('.no-print').text()).toContain('Print');
  });

  it('downloads the list as CSV with the same filters, formula-like cells escaped, and records the download', async () => {
    const email = `formula.${tag}@example.com`;
    const number = await place({
      email,
      name: '=HYPERLINK("http://x","y")',
      organisation: '+1+1',
      payment: 'purchase-order',
      po_number: '@SUM(A1)',
      'qty_ALL-GIG-3': '1',
    });
    const minus = await place({ email: `minus.${tag}@example.com`, name: 'Min Us', organisation: '-2', 'qty_ALL-GIG-3': '1' });
    const csv = await get(`/admin/crm/orders/export.csv?q=${encodeURIComponent(`formula.${tag}`)}`, service);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="orders-\d{4}-\d{2}-\d{2}\.csv"$/);
    const records = parse(csv.text, { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      number,
      status: 'received',
      email,
      name: `'=HYPERLINK("http://x","y")`,
      organisation: "'+1+1",
      po_number: "'@SUM(A1)",
      payment_method: 'purchase-order',
      total: expect.stringMatching(/^\d+\.\d{2}$/),
      currency: 'CAD',
      shipping_option: 'standard',
      ship_to_region: 'AB',
      ship_to_country: 'CA',
    });
    const other = parse((await get(`/admin/crm/orders/export.csv?q=${encodeURIComponent(`minus.${tag}`)}`, service)).text, {
      bom: true,
      columns: true,
    }) as Array<Record<string, string>>;
    expect(other.map((r) => [r.number, r.organisation])).toEqual([[minus, "'-2"]]);

    // The status filter applies to the download too.
    const cancelled = parse((await get('/admin/crm/orders/export.csv?status=cancelled', service)).text, { bom: true, columns: true }) as Array<
      Record<string, string>
    >;
    expect(cancelled.length).toBeGreaterThan(0);
    expect(new Set(cancelled.map((r) => r.status))).toEqual(new Set(['cancelled']));

    const downloads = await db()
      .selectFrom('audit_log')
      .select(['actor', 'summary', 'data'])
      .where('action', '=', 'order.export')
      .orderBy('created_at')
      .execute();
    expect(downloads).toHaveLength(3);
    expect(downloads[0]).toMatchObject({ actor: service.email, summary: 'Downloaded 1 order as CSV' });
    expect(JSON.parse(downloads[0]!.data!)).toEqual({ filter: { q: `formula.${tag}` }, rows: 1 });
  });
});

describe('npx rapport orders, audited', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-orders-audit-'));
    await mkdir(path.join(tmp, 'dist'));
    await symlink(path.join(distDir, 'server'), path.join(tmp, 'dist', 'server'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));
  const cli = (...args: string[]) =>
    promisify(execFile)(process.execPath, [path.resolve('integrations/rapport/cli/rapport.ts'), ...args], {
      cwd: tmp,
      env: { ...process.env, DATABASE_URL: '', RAPPORT_SECRET: SECRET, USER: 'pat' },
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
  /** The CLI's own store, opened between commands. */
  const withStore = async <T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> => {
    const store = openStore({ sqliteFile: path.join(tmp, 'var', 'rapport.sqlite') });
    try {
      await migrateToLatest(store);
      return await work(store.db);
    } finally {
      await store.close();
    }
  };

  it('writes an audit entry (actor cli) with each change, and none for a refused one', async () => {
    await mkdir(path.join(tmp, 'var'), { recursive: true });
    const number = '261130-CM2HPQ';
    await withStore((db) => insertOrder(db, { number, email: 'cli-buyer@example.com', at: new Date().toISOString(), status: 'received' }));
    expect(await cli('orders', 'status', number, 'confirmed')).toMatchObject({ code: 0, stdout: `Order ${number} is confirmed.\n` });
    const ship = await cli('orders', 'ship', number, '1Z999AA10123456784');
    expect(ship.code).toBe(0);
    expect(ship.stdout).toContain('https://www.ups.com/track?tracknum=1Z999AA10123456784');
    const refused = await cli('orders', 'status', number, 'confirmed');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('it cannot become confirmed');
    await withStore(async (db) => {
      const audit = await db.selectFrom('audit_log').selectAll().where('subject_id', '=', number).orderBy('created_at').execute();
      expect(audit.map((a) => [a.action, a.actor, a.actor_account_id, a.subject_type])).toEqual([
        ['order.confirm', 'cli', null, 'order'],
        ['order.ship', 'cli', null, 'order'],
      ]);
      const events = await db
        .selectFrom('order_events')
        .innerJoin('orders', 'orders.id', 'order_events.order_id')
        .select(['order_events.status', 'order_events.actor'])
        .where('orders.number', '=', number)
        .orderBy('order_events.created_at')
        .execute();
      expect(events.map((e) => [e.status, e.actor])).toEqual([
        ['received', 'customer'],
        ['confirmed', 'staff:pat'],
        ['shipped', 'staff:pat'],
      ]);
    });
  });
});
