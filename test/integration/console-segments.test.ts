import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { load, type CheerioAPI } from 'cheerio';
import { parse } from 'csv-parse/sync';
import { FileSystemConfigLoader, HtmlValidate } from 'html-validate';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ContactKind, OrderStatus } from '../../integrations/rapport/core/store/schema.ts';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { raw, type Answer } from '../helpers/form-client.ts';
import { orderRow } from '../helpers/orders.ts';
import { signedIn } from '../helpers/staff.ts';
import { drivers } from '../helpers/store-drivers.ts';

const distDir = inject('referenceBuild');
const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const validator = new HtmlValidate(new FileSystemConfigLoader());
// The server runs on 20 November 2026 (its clock moving on from there), so who has lapsed is known.
const NOW = Date.parse('2026-11-20T15:00:00.000Z');
const FORMULA = '=HYPERLINK("http://x")';

/**
 * The console's Segments section on a small bulb shop: best customers, groups by recency,
 * frequency and spend, lapsed customers by their own rhythm, the supplier/partner/investor lists,
 * their charts, tables and CSV downloads.
 */
describe.each(drivers)('the segments console on $name', (driver) => {
  let running: RunningServer;
  let tmp: string;
  let base: string;
  let service: Awaited<ReturnType<typeof signedIn>>;
  let editor: Awaited<ReturnType<typeof signedIn>>;
  const ids: Record<string, string> = {};
  const db = () => running.store.db;
  const started = Date.now();
  const clock = () => new Date(NOW + (Date.now() - started));

  const get = (p: string, who: { cookie: string }, headers: Record<string, string> = {}) => raw(base + p, { headers: { cookie: who.cookie, ...headers } });
  const page = async (p: string): Promise<CheerioAPI> => {
    const answer = await get(p, service);
    expect(answer.status, p).toBe(200);
    return load(answer.text);
  };
  /** The names in a list page's table, in order. */
  const namesOn = ($: CheerioAPI) =>
    $('tbody tr')
      .map((_, tr) => $(tr).find('td a[href^="/admin/crm/contacts/"]').parent().contents().first().text())
      .get();
  const csvOf = (answer: Answer) => parse(answer.text, { bom: true, columns: true }) as Array<Record<string, string>>;

  async function contact(name: string, kind: ContactKind = 'customer') {
    const id = randomUUID();
    const at = new Date(NOW - 1000 * 86_400_000).toISOString();
    const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}.${id.slice(0, 4)}@example.com`;
    await db().insertInto('contacts').values({ id, email, name, organisation: null, kind, created_at: at, updated_at: at }).execute();
    ids[name] = id;
    return id;
  }
  let n = 0;
  async function order(name: string, day: string, cents: number, status: OrderStatus = 'delivered') {
    const number = `SEG-${driver.name}-${n++}`;
    await db()
      .insertInto('orders')
      .values(orderRow({ contactId: ids[name]!, number, status, subtotalCents: cents, at: `${day}T17:00:00.000Z` }))
      .execute();
  }

  beforeAll(async () => {
    await driver.setup();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-segments-'));
    running = await startServer({ distDir, port: 0, host: '127.0.0.1', store: driver.options(), secret: SECRET, projectRoot: tmp, clock });
    base = serverUrl(running.server);
    service = await signedIn(db(), 'service', undefined, clock);
    editor = await signedIn(db(), 'editor', undefined, clock);

    // In the last 12 months (since 20 Nov 2025) Bea and Cal made $8,000 of $9,000: 2 of 10 buyers.
    await contact('Bea Big');
    await order('Bea Big', '2026-03-10', 200_000);
    await order('Bea Big', '2026-09-10', 200_000);
    await order('Bea Big', '2026-10-01', 900_000, 'cancelled'); // never counted
    await order('Bea Big', '2026-10-02', 500_000, 'returned'); // never counted
    await contact('Cal Large');
    await order('Cal Large', '2025-12-15', 400_000);
    for (let i = 1; i <= 6; i++) {
      await contact(`Small ${i}`);
      await order(`Small ${i}`, `2026-0${i + 1}-05`, 12_500);
    }
    await contact('Nina New');
    await order('Nina New', '2026-06-01', 12_500);
    // A champion: four orders, spring and fall, two of them this year.
    await contact('Carla Champion');
    for (const day of ['2025-03-01', '2025-09-01', '2026-03-01', '2026-09-01']) await order('Carla Champion', day, 6_250);
    // Gwen bought every October until 2024 (lapsed); Sam every October up to 2025 (expected again next month).
    await contact('Gwen Oakes');
    for (const day of ['2022-10-05', '2023-10-07', '2024-10-04']) await order('Gwen Oakes', day, 5_150);
    await contact('Sam Steady');
    for (const day of ['2023-10-10', '2024-10-08', '2025-10-06']) await order('Sam Steady', day, 5_150);
    // One order each: Olga's 20 months ago (lapsed), the formula-named customer's in January 2024 (lapsed).
    await contact('Olga Once');
    await order('Olga Once', '2025-03-01', 5_000);
    await contact(FORMULA);
    await order(FORMULA, '2024-01-01', 3_000);
    // Not customers.
    await contact('Dutch Bulb Supply', 'supplier');
    await contact('+1+1', 'supplier');
    for (let i = 1; i <= 55; i++) await contact(`Supplier ${String(i).padStart(2, '0')}`, 'supplier');
    await contact('@SUM(A1)', 'partner');
    await contact('-2', 'investor');
    await contact('Ivy Investor', 'investor');
  });
  afterAll(async () => {
    await running?.close();
    await rm(tmp, { recursive: true, force: true });
    await driver.teardown();
  });

  it('refuses a role without segments (the editor), and answers unknown segments with 404', async () => {
    for (const p of ['/admin/crm/segments', '/admin/crm/segments/best', '/admin/crm/segments/lapsed/export.csv']) {
      const answer = await get(p, editor);
      expect(answer.status, p).toBe(403);
      expect(answer.text).toContain('does not include segments');
    }
    expect(await db().selectFrom('audit_log').select('id').where('action', '=', 'segment.export').execute()).toEqual([]);
    for (const p of [
      '/admin/crm/segments/nonsense',
      '/admin/crm/segments/rfm-nonsense',
      '/admin/crm/segments/rfm-',
      '/admin/crm/segments/nonsense/export.csv',
    ]) {
      const answer = await get(p, service);
      expect(answer.status, p).toBe(404);
      expect(answer.text).toContain('There is no such segment');
    }
  });

  it('shows the headline, the Pareto curve as an accessible SVG and the same numbers in a table', async () => {
    const answer = await get('/admin/crm/segments', service);
    expect(answer.status).toBe(200);
    const $ = load(answer.text);
    expect($('main').text()).toContain('2 customers (20 % of buyers) made 80 % of sales');
    expect($('main').text()).toContain('$8,000.00 of $9,000.00 (89 %)');
    const svg = $('svg#pareto-chart');
    expect(svg.attr('role')).toBe('img');
    expect($(`#${svg.attr('aria-labelledby')}`).is('title')).toBe(true);
    const desc = $(`#${svg.attr('aria-describedby')}`);
    expect(desc.is('desc')).toBe(true);
    expect(desc.text()).toContain('The best 2 of them (20 % of customers) made 89 % of sales');
    const rows = $('table')
      .first()
      .find('tbody tr')
      .map((_, tr) =>
        $(tr)
          .children()
          .map((__, c) => $(c).text().trim())
          .get()
          .join(' | '),
      )
      .get();
    expect(rows[0]).toBe('Top 10 % | 1 | $4,000.00 | 44 %');
    expect(rows[1]).toBe('Top 20 % | 2 | $8,000.00 | 89 %');
    expect(rows.at(-1)).toBe('Top 100 % | 10 | $9,000.00 | 100 %');
    // Today: the lapsed figure, linking to its list.
    const today = load((await get('/admin/crm/', service)).text);
    const tile = today('a[href="/admin/crm/segments/lapsed"]');
    expect(tile.text()).toContain('Good customers who stopped buying');
    expect(tile.find('strong').text()).toBe('3');
    expect(tile.hasClass('attention')).toBe(true);
  });

  it('changes the period with a GET form (all time: 2 of 14), and ignores a period it does not know', async () => {
    const $ = await page('/admin/crm/segments?period=all');
    expect($('main').text()).toContain('2 customers (14 % of buyers) made 80 % of sales');
    expect($('select[name=period] option[selected]').attr('value')).toBe('all');
    expect($('label[for=segments-period]').length).toBe(1);
    const odd = await page('/admin/crm/segments?period=%3Cscript%3E');
    expect(odd('main').text()).toContain('2 customers (20 % of buyers)');
  });

  it('groups customers by recency, frequency and spend, with each rule, a chart and a table', async () => {
    const $ = await page('/admin/crm/segments');
    const svg = $('svg#rfm-chart');
    expect(svg.attr('role')).toBe('img');
    expect($('#rfm-chart-desc').text()).toContain('Champions: 1 customer (7 %)');
    const table = $('table').eq(1);
    const counts = Object.fromEntries(
      table
        .find('tbody tr')
        .map((_, tr) => [[$(tr).find('th').text().trim(), $(tr).find('td').eq(1).text().trim()]])
        .get() as Array<[string, string]>,
    );
    expect(counts).toEqual({ Champions: '1', Loyal: '1', New: '8', 'At risk': '1', Occasional: '1', Lost: '2' });
    expect(table.text()).toContain('Bought in the last 12 months, 4 or more orders');
    // The chart's description carries the same figures as the table.
    expect($('#rfm-chart-desc').text()).toContain('New: 8 customers (57 %)');
    expect(namesOn(await page('/admin/crm/segments/rfm-champions'))).toEqual(['Carla Champion']);
    expect(namesOn(await page('/admin/crm/segments/rfm-at-risk'))).toEqual(['Sam Steady']);
    expect(namesOn(await page('/admin/crm/segments/rfm-lost'))).toEqual(['Gwen Oakes', FORMULA]);
    expect(namesOn(await page('/admin/crm/segments/rfm-new'))).toHaveLength(8);
  });

  it('lists the best customers with their figures (cancelled and returned orders left out), linking to each contact', async () => {
    const $ = await page('/admin/crm/segments/best');
    expect(namesOn($)).toEqual(['Bea Big', 'Cal Large']);
    const bea = $('tbody tr').first();
    expect(
      bea
        .children()
        .map((_, c) => $(c).text().trim())
        .get()
        .filter((_, i) => i !== 1),
    ).toEqual(['1', '$4,000.00', '2', 'Sep 10, 2026', '44.4 %', '44.4 %']);
    expect(bea.find('a').attr('href')).toBe(`/admin/crm/contacts/${ids['Bea Big']}`);
    expect($('a[href="/admin/crm/segments/best/export.csv"]').length).toBe(1);
    expect($('a[href="/admin/crm/segments/best/export.csv?period=24"]').length).toBe(0);
    expect((await page('/admin/crm/segments/best?period=24'))('a[href="/admin/crm/segments/best/export.csv?period=24"]').length).toBe(1);
  });

  it('lists the good customers who stopped buying, best first, with their rhythm and the rule', async () => {
    const $ = await page('/admin/crm/segments/lapsed');
    expect(namesOn($)).toEqual(['Gwen Oakes', 'Olga Once', FORMULA]);
    expect($('main').text()).toContain('never sooner than 60 days after their last order');
    const gwen = $('tbody tr')
      .first()
      .children()
      .map((_, c) => $(c).text().trim())
      .get();
    // Sales, orders, last order, usual interval, expected, lapsed since (then the personal note's link: winback.test.ts).
    expect(gwen.slice(1, 7)).toEqual(['$154.50', '3', 'Oct 4, 2024', '12 months', 'Oct 4, 2025', 'Dec 3, 2025']);
    const olga = $('tbody tr')
      .eq(1)
      .children()
      .map((_, c) => $(c).text().trim())
      .get();
    expect(olga.slice(4, 7)).toEqual(['One season only', '—', 'Sep 1, 2026']);
  });

  it('lists suppliers, partners and investors by name, a page at a time', async () => {
    const first = await page('/admin/crm/segments/suppliers');
    const names = namesOn(first);
    expect(names).toHaveLength(50);
    expect(names.slice(0, 3)).toEqual(['+1+1', 'Dutch Bulb Supply', 'Supplier 01']);
    const next = first('a[rel=next]').attr('href');
    expect(next).toBe('/admin/crm/segments/suppliers?page=2');
    const second = await page(next!);
    expect(namesOn(second)).toEqual(['Supplier 49', 'Supplier 50', 'Supplier 51', 'Supplier 52', 'Supplier 53', 'Supplier 54', 'Supplier 55']);
    expect(second('a[rel=next]').length).toBe(0);
    expect(namesOn(await page('/admin/crm/segments/investors'))).toEqual(['-2', 'Ivy Investor']);
    expect(namesOn(await page('/admin/crm/segments/partners'))).toContain('@SUM(A1)');
  });

  it('downloads each list as CSV with the page’s figures, formula-like names escaped, and records each download', async () => {
    const best = await get('/admin/crm/segments/best/export.csv', service);
    expect(best.status).toBe(200);
    expect(best.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(best.headers['content-disposition']).toMatch(/^attachment; filename="best-12-2026-11-2\d\.csv"$/);
    expect(csvOf(best).map((r) => [r['Rank'], r['Name'], r['Sales (CAD)'], r['Orders'], r['Last order'], r['Cumulative share (%)']])).toEqual([
      ['1', 'Bea Big', '4000.00', '2', '2026-09-10', '44.4'],
      ['2', 'Cal Large', '4000.00', '1', '2025-12-15', '88.9'],
    ]);

    const lapsed = csvOf(await get('/admin/crm/segments/lapsed/export.csv', service));
    expect(lapsed.map((r) => r['Name'])).toEqual(['Gwen Oakes', 'Olga Once', `'${FORMULA}`]);
    expect(lapsed[0]).toMatchObject({
      'Sales (CAD)': '154.50',
      Orders: '3',
      'Usual interval (days)': '365',
      'Next order expected': '2025-10-04',
      'Lapsed since': '2025-12-03',
    });

    const suppliers = csvOf(await get('/admin/crm/segments/suppliers/export.csv', service));
    expect(suppliers).toHaveLength(57);
    expect(suppliers[0]).toMatchObject({ Name: "'+1+1", Kind: 'supplier' });
    expect(csvOf(await get('/admin/crm/segments/investors/export.csv', service)).map((r) => r['Name'])).toEqual(["'-2", 'Ivy Investor']);
    expect(csvOf(await get('/admin/crm/segments/partners/export.csv', service)).map((r) => r['Name'])).toContain("'@SUM(A1)");

    const audit = await db().selectFrom('audit_log').selectAll().where('action', '=', 'segment.export').orderBy('created_at').execute();
    expect(audit.map((a) => [a.actor, a.subject_type, a.subject_id, JSON.parse(a.data!).rows])).toEqual([
      [service.email, 'segment', 'best', 2],
      [service.email, 'segment', 'lapsed', 3],
      [service.email, 'segment', 'suppliers', 57],
      [service.email, 'segment', 'investors', 2],
      [service.email, 'segment', 'partners', JSON.parse(audit[4]!.data!).rows],
    ]);
    expect(audit[1]!.summary).toBe('Downloaded the list “Good customers who stopped buying” as CSV (3 contacts)');
  });

  it('draws valid, small pages', async () => {
    for (const p of [
      '/admin/crm/segments',
      '/admin/crm/segments?period=all',
      '/admin/crm/segments/best',
      '/admin/crm/segments/lapsed',
      '/admin/crm/segments/suppliers',
      '/admin/crm/segments/nonsense',
    ]) {
      const answer = await get(p, service);
      const report = await validator.validateString(answer.text, p);
      expect(report.results.flatMap((r) => r.messages.map((m) => `${p}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`))).toEqual([]);
      expect(gzipSync(answer.text).length, p).toBeLessThan(30 * 1024);
    }
    const compressed = await get('/admin/crm/segments', service, { 'accept-encoding': 'gzip' });
    expect(compressed.headers['content-encoding']).toBe('gzip');
    expect(compressed.headers['cache-control']).toBe('private, no-store');
  });
});
