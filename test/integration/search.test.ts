import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'cheerio';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { raw } from '../helpers/form-client.ts';
import { drivers } from '../helpers/store-drivers.ts';

const distDir = inject('referenceBuild');
const client = path.join(distDir, 'client');
/** Queries visitors of the reference site ask most, by the FAQ's own wording. */
const COMMON_QUERIES = [
  'deer',
  'squirrels',
  'containers',
  'wholesale minimum',
  'shipping cost',
  'refund',
  'plant tulips',
  'store bulbs over winter',
  'visit the farm',
  'payment',
  'damaged bulbs',
  'order deadline',
];

const page = (pathname: string) => load(readFileSync(path.join(client, pathname, 'index.html'), 'utf8'));

describe('search in the built pages', () => {
  it('marks entries as searchable with their section and category, and leaves list pages out', () => {
    const entry = page('faq/deer-resistant-bulbs');
    const body = entry('[data-pagefind-body]');
    expect(body).toHaveLength(1);
    expect(body.attr('data-pagefind-filter')).toBe('section:FAQ');
    expect(entry('[data-pagefind-filter^="category:"]').attr('data-pagefind-filter')).toBe('category:Growing and care');
    expect(entry('[data-pagefind-body] h1').text()).toBe('Which bulbs are deer resistant?');
    for (const list of ['faq', 'products', 'newsletter', 'sitemap']) expect(page(list)('[data-pagefind-body]'), list).toHaveLength(0);
  });

  it('gives the FAQ page a filter that searches the FAQ alone, and a way to ask', () => {
    const $ = page('faq');
    const filter = $('main form[role=search][action="/search"]');
    expect(filter.find('input[type=hidden][name=section]').attr('value')).toBe('FAQ');
    expect(filter.find('input[type=search][name=q]')).toHaveLength(1);
    expect($('main a[href="/faq/ask"]')).toHaveLength(1);
  });

  it('loads nothing of search with the page: one small inline script and a form that works without it', () => {
    const $ = page('');
    const form = $('header form[role=search][action="/search"][method=get]');
    expect(form.find('input[type=search][name=q]')).toHaveLength(1);
    expect($('script[src]')).toHaveLength(0);
    expect($('link[href*=pagefind]')).toHaveLength(0);
    const inline = $('script:not([type])').text();
    // It asks the server's own page (the form's, in the page's language), and only where none answers loads Pagefind through the build's helper.
    expect(inline).toContain("f.getAttribute('action')+'?q='+encodeURIComponent(q)");
    expect(inline).toContain("import('/pagefind/rapport-live.js')");
    expect(Buffer.byteLength(inline)).toBeLessThan(2_000);
    expect(existsSync(path.join(client, 'pagefind', 'rapport-live.js'))).toBe(true);
    expect(existsSync(path.join(client, 'pagefind', 'pagefind.js'))).toBe(true);
  });
});

describe.each(drivers)('search against the running server on $name', (driver) => {
  let running: RunningServer;
  let base: string;
  let browser: Browser;
  const html = async (query: string) => load((await raw(`${base}/search?${query}`)).text);
  const serverTop = async (q: string) =>
    (await html(new URLSearchParams({ q }).toString()))('.results > li > a')
      .map((_, a) => a.attribs.href)
      .get();

  beforeAll(async () => {
    await driver.setup();
    running = await startServer({ distDir, port: 0, host: '127.0.0.1', store: driver.options(), secret: 'test-secret-0123456789-0123456789-abcdef' });
    base = serverUrl(running.server);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.close();
    await driver.teardown();
  });

  it('answers /search?q= without JavaScript: titles, sections and excerpts with the words marked', async () => {
    const answer = await raw(`${base}/search?q=deer`);
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    const $ = load(answer.text);
    expect($('meta[name=robots]').attr('content')).toContain('noindex');
    const first = $('.results > li').first();
    expect(first.find('a').attr('href')).toBe('/faq/deer-resistant-bulbs/');
    expect(first.find('a').text()).toBe('Which bulbs are deer resistant?');
    expect(first.text()).toContain('FAQ · Growing and care');
    expect(first.find('p mark').first().text().toLowerCase()).toBe('deer');
    expect($('input[name=q]').attr('value')).toBe('deer');
  });

  it('keeps a product’s price, availability and facts box out of excerpts: they are the page’s, not the text', async () => {
    const $ = load((await raw(`${base}/search?q=tulips`)).text);
    const excerpts = $('.results > li p').text();
    expect($('.results > li a[href^="/products/"]').length).toBeGreaterThan(0);
    for (const noise of ['SKU', 'Shipping weight', 'In stock']) expect(excerpts).not.toContain(noise);
  });

  it('forgives one typo per word', async () => {
    expect(await serverTop('dafodils')).toContain('/products/daffodil-dutch-master/');
    expect((await serverTop('squirels'))[0]).toBe('/faq/squirrels-digging-up-bulbs/');
  });

  it('limits results to one section, and says so when nothing is found, with a way to ask', async () => {
    const $ = await html('q=planting&section=faq');
    const hrefs = $('.results > li > a')
      .map((_, a) => a.attribs.href)
      .get();
    expect(hrefs.length).toBeGreaterThan(2);
    expect(hrefs.every((h) => h.startsWith('/faq/'))).toBe(true);
    expect($('nav a[aria-current=page]').text()).toBe('FAQ');
    const none = await html('q=zeppelin');
    expect(none('[role=status]').text()).toContain('Nothing found for “zeppelin”');
    expect(none('a[href^="/faq/ask?question=zeppelin"]')).toHaveLength(1);
  });

  it('shows what the visitor typed as text, never as markup', async () => {
    const answer = await raw(`${base}/search?${new URLSearchParams({ q: '<script>alert(1)</script> tulips' })}`);
    expect(answer.status).toBe(200);
    const $ = load(answer.text);
    expect($('script').filter((_, el) => $(el).text().includes('alert(1)'))).toHaveLength(0);
    expect($('h1').text()).toContain('<script>alert(1)</script> tulips');
    expect($('input[name=q]').attr('value')).toBe('<script>alert(1)</script> tulips');
  });

  it('takes the language of the page asking as `lang`: one the site has no pages in searches the site’s own, and any value is only a hint', async () => {
    const english = await serverTop('deer');
    expect(english[0]).toBe('/faq/deer-resistant-bulbs/');
    expect(
      (await html('q=deer&lang=de-DE'))('.results > li > a')
        .map((_, a) => a.attribs.href)
        .get(),
    ).toEqual(english);
    const hostile = '"><script>alert(1)</script>'.repeat(4);
    const answer = await raw(`${base}/search?${new URLSearchParams({ q: 'planting', lang: hostile })}`);
    expect(answer.status).toBe(200);
    const $ = load(answer.text);
    expect($('script').filter((_, el) => $(el).text().includes('alert(1)'))).toHaveLength(0);
    expect($('.results > li').length).toBeGreaterThan(2);
    // The section links keep what was asked, cut to a tag's length, as a query parameter.
    const faq = new URL(
      $('nav[aria-label="Limit to one part of the site"] a')
        .filter((_, a) => $(a).text() === 'FAQ')
        .attr('href')!,
      base,
    );
    expect(faq.searchParams.get('lang')).toBe(hostile.slice(0, 35));
  });

  // Static hosting (no /search: Pagefind) and Save-Data/2G are in test/e2e/visitor-details.test.ts.
  it('with JavaScript: fetches nothing of search until the visitor types, then shows the server’s /search results under the box', async () => {
    const tab = await browser.newPage();
    const fetched: Array<{ path: string; query: string; bytes: number }> = [];
    tab.on('requestfinished', (request) => {
      void request.sizes().then((sizes) => {
        const { pathname, search } = new URL(request.url());
        if (pathname === '/search' || pathname.startsWith('/pagefind/'))
          fetched.push({ path: pathname, query: search, bytes: sizes.responseBodySize + sizes.responseHeadersSize });
      });
    });
    await tab.goto(`${base}/faq/`);
    await tab.waitForLoadState('networkidle');
    expect(fetched).toEqual([]);
    await tab.focus('#site-search');
    await tab.waitForLoadState('networkidle');
    expect(fetched, 'focusing the box fetches nothing').toEqual([]);
    await tab.keyboard.type('deer');
    await tab.waitForSelector('header .search-live li a');
    expect(await tab.$eval('header .search-live li a', (a) => a.getAttribute('href'))).toBe('/faq/deer-resistant-bulbs/');
    expect(await tab.$eval('header .search-live li p', (p) => p.innerHTML)).toContain('<mark>');
    await tab.waitForLoadState('networkidle');
    const total = fetched.reduce((sum, f) => sum + f.bytes, 0);
    console.log(`One live search on the reference site downloaded ${fetched.length} files, ${(total / 1000).toFixed(1)} KB`);
    expect(
      fetched.map((f) => f.path).filter((p) => p !== '/search'),
      'with a server, Pagefind is never loaded',
    ).toEqual([]);
    expect(fetched.map((f) => f.query)).toContain('?q=deer');
    // Typing is debounced: the last word is asked for, not a request per key.
    expect(fetched.length).toBeLessThanOrEqual(3);
    expect(total).toBeLessThan(40_000);
    await tab.close();
  });

  it('agrees with Pagefind on the top results for common queries', async () => {
    const tab = await browser.newPage();
    await tab.goto(`${base}/`);
    for (const q of COMMON_QUERIES) {
      // A string, so the test runner does not rewrite the browser's import().
      const pagefind = (await tab.evaluate(
        `import('/pagefind/pagefind.js').then((m) => m.search(${JSON.stringify(q)})).then((found) => Promise.all(found.results.slice(0, 3).map(async (r) => (await r.data()).url)))`,
      )) as string[];
      const server = (await serverTop(q)).slice(0, 3);
      expect(pagefind.length, q).toBeGreaterThan(0);
      expect(server[0], `“${q}”: server ${server.join(' ')}; Pagefind ${pagefind.join(' ')}`).toBe(pagefind[0]);
    }
    await tab.close();
  });
});
