import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { load } from 'cheerio';
import { FileSystemConfigLoader, HtmlValidate } from 'html-validate';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deviceOf, referrerDomain } from '../../integrations/rapport/features/visits/count.ts';
import { raw } from '../helpers/form-client.ts';
import { servedOn } from '../helpers/mail-server.ts';
import { signedIn } from '../helpers/staff.ts';
import { drivers } from '../helpers/store-drivers.ts';
import { storeSnapshot } from '../helpers/store-schema.ts';

const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const distDir = inject('referenceBuild');
const validator = new HtmlValidate(new FileSystemConfigLoader());
const PHONE = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36';
const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const IPAD = 'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

/**
 * Visit counts through the running reference server on each store, with the clock set by hand:
 * pages counted per day, per referring domain and per device; files, robots, prefetches, staff
 * pages and a flood from one address not; nothing that identifies a visitor stored (a scan of
 * every table finds no address and no User-Agent); the console's Visits page.
 */
describe.each(drivers)('visit counts on $name', (driver) => {
  let served: Awaited<ReturnType<typeof servedOn>>;
  let now = new Date('2026-11-29T23:59:00Z');
  const db = () => served.running.store.db;
  const base = () => served.base;
  /** A page as a browser asks for it, from `ip` (the server trusts the proxy's X-Forwarded-For here). */
  const visit = (p: string, o: { ua?: string; ip?: string; referer?: string; purpose?: string; dest?: string } = {}) =>
    raw(base() + p, {
      headers: {
        'user-agent': o.ua ?? DESKTOP,
        'x-forwarded-for': o.ip ?? '203.0.113.7',
        ...(o.referer ? { referer: o.referer } : {}),
        ...(o.purpose ? { 'sec-purpose': o.purpose } : {}),
        ...(o.dest ? { 'sec-fetch-dest': o.dest } : {}),
      },
    });
  const totals = async () =>
    Object.fromEntries(
      (await db().selectFrom('visit_counts').selectAll().orderBy('day').orderBy('dimension').orderBy('value').execute()).map((r) => [
        `${r.day} ${r.dimension} ${r.value}`,
        Number(r.views),
      ]),
    );
  /** Waits for the counts to reach the store (written every few seconds). */
  const settled = async (expectTotal: number) => {
    const end = Date.now() + 20_000;
    for (;;) {
      const row = await db()
        .selectFrom('visit_counts')
        .select(sql<number>`coalesce(sum(views), 0)`.as('n'))
        .where('dimension', '=', 'device')
        .executeTakeFirstOrThrow();
      if (Number(row.n) >= expectTotal || Date.now() > end) return Number(row.n);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    served = await servedOn(distDir, driver, SECRET, { trustProxy: true, clock: () => now });
  });
  afterAll(() => served?.close());

  it('reads a device and a referring domain from the headers alone', () => {
    expect([deviceOf(PHONE), deviceOf(DESKTOP), deviceOf(IPAD)]).toEqual(['phone', 'computer', 'tablet']);
    expect(referrerDomain('https://www.Example.org/some/page?q=1', 'bulbs.example')).toBe('example.org');
    expect(referrerDomain('https://bulbs.example/faq/', 'bulbs.example')).toBeUndefined();
    expect(referrerDomain('javascript:alert(1)', 'bulbs.example')).toBeUndefined();
    expect(referrerDomain('not a url', 'bulbs.example')).toBeUndefined();
  });

  it('counts pages per day, per referring site and per device, across midnight, and nothing else', async () => {
    // 29 November, 23:59 UTC: three views of the home page (one from a search engine's results, one on a phone).
    expect((await visit('/', { referer: 'https://www.google.com/search?q=bulbs' })).status).toBe(200);
    await visit('/', { ua: PHONE, ip: '198.51.100.23' });
    await visit('/');
    // Not pages a person read: a file, a robot, a prefetch, a missing page, a staff page, a HEAD.
    await visit('/favicon.svg');
    await visit('/faq/', { ua: GOOGLEBOT });
    await visit('/faq/', { purpose: 'prefetch' });
    // The live search reading the results page as the visitor types: a script's fetch, not a page shown.
    await visit('/search?q=tulips', { dest: 'empty' });
    await visit('/no-such-page');
    await visit('/admin/crm/');
    await raw(`${base()}/products/`, { method: 'HEAD', headers: { 'user-agent': DESKTOP } });
    expect(await settled(3)).toBe(3);
    // After midnight: the next day's totals.
    now = new Date('2026-11-30T00:01:00Z');
    await visit('/faq/', { ua: IPAD, referer: 'https://duckduckgo.com/' });
    await visit('/fr/', { ua: PHONE });
    expect(await settled(5)).toBe(5);
    expect(await totals()).toEqual({
      '2026-11-29 device computer': 2,
      '2026-11-29 device phone': 1,
      // The missing page is not a view: it is what visitors did not find (next test).
      '2026-11-29 missing /no-such-page': 1,
      '2026-11-29 page /': 3,
      '2026-11-29 referrer google.com': 1,
      '2026-11-30 device phone': 1,
      '2026-11-30 device tablet': 1,
      '2026-11-30 page /faq/': 1,
      '2026-11-30 page /fr/': 1,
      '2026-11-30 referrer duckduckgo.com': 1,
    });
  });

  it('stops counting a flood from one address after the cap, and stores no address or browser anywhere', async () => {
    const before = await settled(0);
    const flood = Array.from({ length: 150 }, () => visit('/about/', { ip: '192.0.2.99' }));
    expect((await Promise.all(flood)).every((a) => a.status === 200)).toBe(true);
    // The cap (120 a minute from one address by default) holds; another address still counts.
    await visit('/about/', { ip: '192.0.2.100' });
    const after = await settled(before + 121);
    expect(after - before).toBe(121);
    // No table holds an address or a User-Agent the server was sent.
    const found: string[] = [];
    for (const [table, rows] of Object.entries(await storeSnapshot(served.running.store, driver.options()))) {
      const text = JSON.stringify(rows);
      for (const sent of ['192.0.2.99', '192.0.2.100', '203.0.113.7', '198.51.100.23', 'Pixel 8', 'Googlebot'])
        if (text.includes(sent)) found.push(`${table}: ${sent}`);
    }
    expect(found).toEqual([]);
  });

  it('notes what visitors did not find: missing pages with the site that linked to them, and searches that found nothing', async () => {
    const missing = await visit('/products/tulip-that-never-was/', { ip: '198.51.100.60', referer: 'https://forum.example.net/thread/12' });
    expect(missing.status).toBe(404);
    await visit('/old-page.html', { ip: '198.51.100.60' });
    await visit('/search?q=%20Zeppelin%20%20AIRSHIP', { ip: '198.51.100.61' });
    await visit('/search?q=zeppelin+airship', { ip: '198.51.100.62' });
    // Not kept: a robot's search, one that looks like someone's address or phone number, one that found something.
    await visit('/search?q=zeppelin+airship', { ua: GOOGLEBOT });
    await visit('/search?q=ann%40example.com', { ip: '198.51.100.63' });
    await visit('/search?q=403-555-0199', { ip: '198.51.100.63' });
    await visit('/search?q=deer', { ip: '198.51.100.63' });
    // What the live results fetch as someone types ("zep"): not a search they sent.
    await visit('/search?q=zep', { ip: '198.51.100.64', dest: 'empty' });
    const end = Date.now() + 20_000;
    const gaps = () =>
      db()
        .selectFrom('visit_counts')
        .select(['dimension', 'value', 'views'])
        .where('dimension', 'in', ['missing', 'search-miss'])
        .orderBy('dimension')
        .orderBy('value')
        .execute();
    while ((await gaps()).length < 4 && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    expect((await gaps()).map((g) => [g.dimension, g.value, Number(g.views)])).toEqual([
      ['missing', '/no-such-page', 1],
      ['missing', '/old-page.html', 1],
      ['missing', '/products/tulip-that-never-was/ forum.example.net', 1],
      ['search-miss', 'zeppelin airship', 2],
    ]);
    const service = await signedIn(db(), 'service');
    const page = await raw(`${base()}/admin/crm/gaps?period=7`, { headers: { cookie: service.cookie } });
    expect(page.status).toBe(200);
    const $ = load(page.text);
    expect($('caption:contains("Searches on the site")').parent().find('tbody tr').first().text()).toContain('zeppelin airship');
    expect($('caption:contains("Addresses that lead nowhere")').parent().text()).toContain('forum.example.net');
    expect($('a[href="/admin/crm/questions"]').length).toBe(1);
    const report = await validator.validateString(page.text, 'gaps.html');
    expect(report.results.flatMap((r) => r.messages.map((m) => `${m.line} ${m.ruleId}: ${m.message}`))).toEqual([]);

    // "Draft an FAQ entry": the words become an entry waiting for an answer, beside visitors' questions, audited.
    expect($('form input[name="words"][value="zeppelin airship"]').parent().find('button').text()).toBe('Draft an FAQ entry for “zeppelin airship”');
    const drafted = await raw(`${base()}/admin/crm/gaps?period=7`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base(), cookie: service.cookie },
      body: new URLSearchParams({ words: 'zeppelin airship' }).toString(),
    });
    expect(drafted.status).toBe(303);
    expect(drafted.headers.location).toBe('/admin/crm/gaps?period=7&drafted=zeppelin-airship');
    const entry = await readFile(path.join(served.tmp, 'content/faq/zeppelin-airship.md'), 'utf8');
    expect(entry).toContain('question: zeppelin airship');
    expect(entry).toContain('status: pending_review');
    expect(entry).not.toContain('submission');
    const audit = await db().selectFrom('audit_log').select(['action', 'summary']).where('action', '=', 'faq.draft-from-gap').execute();
    expect(audit).toEqual([{ action: 'faq.draft-from-gap', summary: 'Drafted an FAQ entry from the search “zeppelin airship”' }]);
    const refused = await raw(`${base()}/admin/crm/gaps`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base(), cookie: service.cookie },
      body: new URLSearchParams({ words: 'x'.repeat(200) }).toString(),
    });
    expect(refused.status).toBe(422);
    expect(load(refused.text)('.error').text()).toContain('Choose one of the searches listed');
  });

  it('shows staff the Visits page: totals, the trend and tables, as valid HTML, to staff only', async () => {
    const service = await signedIn(db(), 'service');
    const editor = await signedIn(db(), 'editor');
    const page = await raw(`${base()}/admin/crm/visits?period=7`, { headers: { cookie: service.cookie } });
    expect(page.status).toBe(200);
    const $ = load(page.text);
    // Every view so far fell in the week the page shows (29 and 30 November).
    expect($('.tiles li').first().text().trim()).toMatch(new RegExp(`^${await settled(0)}\\s*page views, last 7 days$`));
    expect($('svg[role="img"]#visits-trend title').text()).toBe('Page views per day, last 7 days');
    expect($('caption:contains("Page views per page")').parent().find('tbody tr').first().text()).toContain('/about/');
    expect($('main').text()).toContain('google.com');
    const report = await validator.validateString(page.text, 'visits.html');
    expect(report.results.flatMap((r) => r.messages.map((m) => `${m.line} ${m.ruleId}: ${m.message}`))).toEqual([]);
    expect((await raw(`${base()}/admin/crm/visits`, { headers: { cookie: editor.cookie } })).status).toBe(200);
    const anonymous = await raw(`${base()}/admin/crm/visits`, {});
    expect([302, 303]).toContain(anonymous.status);
  });
});
