import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, inject, it } from 'vitest';
import { answerText } from '../../integrations/rapport/features/faq/answer-text.ts';
import { launchBrowser, referenceServer, screenshotOnFailure } from '../helpers/browser.ts';
import { readPages } from '../helpers/built-site.ts';

const distDir = inject('referenceBuild');
const clientDir = path.join(distDir, 'client');

/**
 * What a visitor trips over with JavaScript on and in the wording (issue 18): live search agrees
 * with `/search`, the live order totals keep their table's look, and the words read right.
 */
describe('the visitor’s details in Chromium', () => {
  let server: Awaited<ReturnType<typeof referenceServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    server = await referenceServer(distDir);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async (test) => {
    context = await browser.newContext();
    page = await context.newPage();
    screenshotOnFailure(page, `details-${test.task.name}`);
  });
  afterEach(async () => {
    await context?.close();
  });

  /** Links and excerpts of `/search?q=`, as the server draws them. */
  async function serverResults(q: string) {
    const p = await context.newPage();
    await p.goto(`${server.base}/search?q=${encodeURIComponent(q)}`);
    const hrefs = await p.$$eval('.results > li > a', (as) => as.map((a) => a.getAttribute('href')));
    await p.close();
    return hrefs;
  }

  /** Types into the header's search box and waits for the live results. */
  async function liveSearch(q: string) {
    await page.fill('#site-search', q);
    await page.waitForSelector('header .search-live li > a');
  }

  it('live search lists what /search lists, in the same order, and forgives the same typos', async () => {
    const pagefind: string[] = [];
    page.on('request', (r) => r.url().includes('/pagefind/') && pagefind.push(r.url()));
    await page.goto(`${server.base}/`);
    for (const q of ['tulips', 'shipping', 'dahlia', 'bulbs', 'tulpis', 'dafodil']) {
      const expected = (await serverResults(q)).slice(0, 8);
      expect(expected.length, `/search finds something for “${q}”`).toBeGreaterThan(0);
      await page.fill('#site-search', '');
      await page.fill('#site-search', q);
      await page.waitForFunction((first) => document.querySelector('header .search-live li > a')?.getAttribute('href') === first, expected[0]);
      expect(await page.$$eval('header .search-live li > a', (as) => as.map((a) => a.getAttribute('href'))), q).toEqual(expected);
    }
    await expect.poll(() => page.textContent('header .search-live')).not.toContain('Nothing found');
    // With a server there is no second engine to disagree with: Pagefind is not even loaded.
    expect(pagefind).toEqual([]);
  });

  it('without a server (static files), live search uses Pagefind: a cut excerpt ends with “…”, and a 2G line never loads it', async () => {
    await context.route('**/search?**', (route) => route.fulfill({ status: 404, body: 'Not found' }));
    await page.goto(`${server.base}/`);
    await liveSearch('planting');
    const excerpts = await page.$$eval('header .search-live li p', (ps) => ps.map((p) => p.textContent ?? ''));
    expect(excerpts.length).toBeGreaterThan(0);
    for (const e of excerpts) expect(e.trim(), 'excerpts are cut mid-text here, so each says so').toMatch(/…$/);

    const slow = await browser.newContext();
    await slow.addInitScript(() => Object.defineProperty(navigator, 'connection', { value: { saveData: false, effectiveType: '2g' } }));
    const asked: string[] = [];
    slow.on('request', (r) => asked.push(new URL(r.url()).pathname));
    const p = await slow.newPage();
    await p.goto(`${server.base}/`);
    await p.fill('#site-search', 'deer');
    await p.waitForResponse((r) => r.url().includes('/search?q=deer'));
    await p.waitForSelector('header .search-live li > a');
    expect(asked.filter((a) => a.startsWith('/pagefind/'))).toEqual([]);
    await slow.close();
  });

  it('on Save-Data, live search asks /search and shows its answer (even “nothing found”)', async () => {
    await context.addInitScript(() => Object.defineProperty(navigator, 'connection', { value: { saveData: true, effectiveType: '4g' } }));
    const asked: string[] = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    await page.goto(`${server.base}/`);
    await page.fill('#site-search', 'zeppelin');
    await expect.poll(() => page.textContent('header .search-live')).toContain('Nothing found for “zeppelin”');
    expect(asked).toContain('/search');
    expect(asked.filter((a) => a.startsWith('/pagefind/'))).toEqual([]);
  });

  it('the live order totals keep the table’s look the server gives them', async () => {
    await page.goto(`${server.base}/order?add=LIL-MAR-3`);
    await page.waitForSelector('#order-totals tbody tr');
    const style = () =>
      page.$eval('#order-totals tbody tr th', (th) => {
        const s = getComputedStyle(th);
        return { textAlign: s.textAlign, fontWeight: s.fontWeight, paddingRight: s.paddingRight };
      });
    // Drawn by the page's script as the visitor types: the same rules as the server's rows.
    expect(await style()).toEqual({ textAlign: 'left', fontWeight: '400', paddingRight: '24px' });
  });

  it('the tracking-number box is as wide and as readable as the search box', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${server.base}/track`);
    const box = await page.$eval('#track-number', (i) => ({ font: parseFloat(getComputedStyle(i).fontSize), width: i.getBoundingClientRect().width }));
    const body = await page.$eval('body', (b) => parseFloat(getComputedStyle(b).fontSize));
    expect(box.font).toBe(body);
    // A tracking number is up to 34 characters: on a phone the box takes the width of the page.
    expect(box.width).toBeGreaterThan(300);
  });

  it('every form marks optional fields one way, once', async () => {
    for (const url of ['/faq/ask?question=How+deep+should+I+plant+tulips%3F', '/contact/message', '/account/register', '/subscribe']) {
      await page.goto(`${server.base}${url}`);
      const labels = await page.$$eval('main form[method=post] .field > label[for]', (ls) =>
        ls.map((l) => ({
          text: l.textContent ?? '',
          marked: l.querySelectorAll('.optional').length,
          required: (document.getElementById(l.getAttribute('for') ?? '') as HTMLInputElement | null)?.required ?? false,
        })),
      );
      expect(labels.length, url).toBeGreaterThan(0);
      for (const l of labels) {
        expect(l.text.match(/optional/gi)?.length ?? 0, `${url}: “${l.text}”`).toBe(l.required ? 0 : 1);
        expect(l.marked, `${url}: “${l.text}”`).toBe(l.required ? 0 : 1);
        expect(l.text, `${url}: “${l.text}”`).not.toMatch(/\(optional,/);
      }
    }
  });

  it('after “Create my account” the page says plainly to check the inbox', async () => {
    await page.goto(`${server.base}/account/registered`);
    expect(await page.textContent('h1')).toBe('Check your inbox');
    const text = await page.textContent('main');
    expect(text).toContain('We have sent a link to the address you gave.');
    expect(text).not.toMatch(/If the address you gave has an account/);
  });
});

describe('wording of the built pages', () => {
  it('no page says “about about”: a category that starts with “About” reads “about the farm”', async () => {
    const pages = await readPages(clientDir);
    const doubled = pages.filter(
      ({ $ }) => /\babout about\b/i.test($('body').text().replace(/\s+/g, ' ')) || /\babout about\b/i.test($('meta[name=description]').attr('content') ?? ''),
    );
    expect(doubled.map((p) => p.file)).toEqual([]);
    const faq = pages.find((p) => p.file === path.join('faq', 'index.html'))!;
    expect(faq.$('.more a').text()).toContain('Read all answers about the farm');
  });

  it('the answer quoted in the mail (and searched) carries no navigation', () => {
    const html = readFileSync(path.join(clientDir, 'faq', 'deer-resistant-bulbs', 'index.html'), 'utf8');
    const answer = answerText('deer-resistant-bulbs', html)!;
    expect(answer).toMatch(/daffodil/i);
    expect(answer).not.toContain('All questions');
    // One index per language (site-search.ts); the reference site's pages are all English.
    const index = JSON.parse(readFileSync(path.join(distDir, 'server', 'search-index.json'), 'utf8')) as {
      languages: Record<string, { docs: Record<string, { text: string }> }>;
    };
    const docs = Object.values(index.languages).flatMap((language) => Object.entries(language.docs));
    expect(docs.map(([url]) => url)).toContain('/faq/deer-resistant-bulbs/');
    expect(docs.filter(([, d]) => d.text.includes('← All questions')).map(([url]) => url)).toEqual([]);
  });
});
