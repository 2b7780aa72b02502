import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { load, type CheerioAPI } from 'cheerio';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { launchBrowser, SECRET } from '../helpers/browser.ts';
import { raw } from '../helpers/form-client.ts';

/**
 * The newsletter's archive, issues and feed, the HTML site map, the 404 page and the search results
 * page in French on the reference site (issue 22): built pages, then Rapport's server answering them.
 */
const distDir = inject('referenceBuild');
const client = path.join(distDir, 'client');
const SITE = 'https://www.chinookbulbfarm.ca';
const FRENCH_ISSUE = '2026-11-putting-the-farm-to-bed';
const ENGLISH_ONLY_ISSUE = '2026-09-fall-planting-is-here';

const file = (name: string) => readFileSync(path.join(client, name), 'utf8');
const page = (pathname: string): CheerioAPI => load(file(path.join(pathname, 'index.html')));
const hrefs = ($: CheerioAPI, selector: string) =>
  $(selector)
    .map((_, a) => $(a).attr('href'))
    .get();
const hreflangs = ($: CheerioAPI) =>
  Object.fromEntries(
    $('link[rel=alternate][hreflang]')
      .map((_, l) => [[l.attribs.hreflang, l.attribs.href]])
      .get() as [string, string][],
  );
const feedLink = ($: CheerioAPI) => $('link[rel=alternate][type="application/rss+xml"]').attr('href');

describe('the newsletter in French', () => {
  it('lists only the issues written in French on the French archive, linked in French, with the French feed', () => {
    const $ = page('fr/newsletter');
    expect($('html').attr('lang')).toBe('fr-CA');
    expect($('h1').text()).toBe('Archives de l’infolettre');
    expect($('title').text()).toContain('Archives de l’infolettre');
    expect(hrefs($, 'main ol h2 a')).toEqual([`/fr/newsletter/${FRENCH_ISSUE}/`]);
    expect($('main ol h2 a').text()).toBe('La ferme se prépare pour l’hiver');
    expect($('main ol time').text()).toBe('17 novembre 2026');
    expect($('main .lead a').attr('href')).toBe('/fr/newsletter/rss.xml');
    expect(feedLink($)).toBe('/fr/newsletter/rss.xml');
    expect($('footer a[href="/fr/newsletter/rss.xml"]').text()).toBe('Fil de l’infolettre (RSS)');
    expect(hreflangs($)).toEqual({ 'en-CA': `${SITE}/newsletter/`, 'fr-CA': `${SITE}/fr/newsletter/`, 'x-default': `${SITE}/newsletter/` });
  });

  it('keeps the English archive English: every English issue, no French one, the English feed', () => {
    const $ = page('newsletter');
    expect($('html').attr('lang')).toBe('en-CA');
    expect($('h1').text()).toBe('Newsletter archive');
    const links = hrefs($, 'main ol h2 a');
    expect(links).toHaveLength(4);
    expect(links).toContain(`/newsletter/${ENGLISH_ONLY_ISSUE}/`);
    expect(links.every((l) => l.startsWith('/newsletter/'))).toBe(true);
    expect($('main').text()).not.toContain('La ferme se prépare');
    expect(feedLink($)).toBe('/newsletter/rss.xml');
  });

  it('serves a translated issue in French, linked both ways to its original, and no French page for an untranslated one', () => {
    const $ = page(`fr/newsletter/${FRENCH_ISSUE}`);
    expect($('html').attr('lang')).toBe('fr-CA');
    expect($('h1').text()).toBe('La ferme se prépare pour l’hiver');
    expect($('nav[aria-label="Autres numéros"] a').last().attr('href')).toBe('/fr/newsletter/');
    // The only French issue: no newer or older one to link to, and never an English issue.
    expect(hrefs($, 'nav[aria-label="Autres numéros"] a')).toEqual(['/fr/newsletter/']);
    expect(hrefs($, 'nav[aria-label="Fil d’Ariane"] a')).toEqual(['/fr/', '/fr/newsletter/']);
    expect(hreflangs($)).toMatchObject({ 'en-CA': `${SITE}/newsletter/${FRENCH_ISSUE}/`, 'fr-CA': `${SITE}/fr/newsletter/${FRENCH_ISSUE}/` });
    const article = $('script[type="application/ld+json"]')
      .map((_, s) => JSON.parse($(s).text()) as { '@type': string; inLanguage?: string })
      .get()
      .find((d) => d['@type'] === 'Article');
    expect(article?.inLanguage).toBe('fr-CA');
    expect(hreflangs(page(`newsletter/${FRENCH_ISSUE}`))['fr-CA']).toBe(`${SITE}/fr/newsletter/${FRENCH_ISSUE}/`);

    const english = page(`newsletter/${ENGLISH_ONLY_ISSUE}`);
    expect(hreflangs(english)['fr-CA']).toBeUndefined();
    expect(() => file(`fr/newsletter/${ENGLISH_ONLY_ISSUE}/index.html`)).toThrow();
  });

  it('has a French feed of the French issues, and the English feed stays English', () => {
    const fr = file('fr/newsletter/rss.xml');
    expect(fr).toContain('<title>Infolettre de Chinook Bulb Farm</title>');
    expect(fr).toContain('<language>fr-ca</language>');
    const frItems = [...fr.matchAll(/<item><title>([^<]+)<\/title><link>([^<]+)<\/link>/g)].map((m) => [m[1], m[2]]);
    expect(frItems).toEqual([['La ferme se prépare pour l’hiver', `${SITE}/fr/newsletter/${FRENCH_ISSUE}/`]]);
    const en = file('newsletter/rss.xml');
    expect(en).toContain('<language>en-ca</language>');
    expect([...en.matchAll(/<item>/g)]).toHaveLength(4);
    expect(en).not.toContain('/fr/');
  });
});

describe('the site map and the 404 page in French', () => {
  it('lists the French pages at their French addresses, under French headings', () => {
    const $ = page('fr/sitemap');
    expect($('html').attr('lang')).toBe('fr-CA');
    expect($('h1').text()).toBe('Plan du site');
    const headings = $('main section h2')
      .map((_, h) => $(h).text())
      .get();
    expect(headings[0]).toBe('À propos de nous');
    expect(headings).toContain('Infolettre');
    const about = $('main section').first();
    expect(about.find('a[href="/fr/"]').text()).toBe('Accueil');
    expect(about.find('a[href="/fr/about/"]')).toHaveLength(1);
    expect(about.text()).toContain('Politique de confidentialité');
    const newsletter = $('main section').filter((_, s) => $(s).find('h2').text() === 'Infolettre');
    expect(hrefs($, 'main section a').filter((h) => h.includes('newsletter'))).toEqual(['/fr/newsletter/', `/fr/newsletter/${FRENCH_ISSUE}/`]);
    expect(newsletter.find('a').first().text()).toBe('Archives');
    // Only pages that exist in French are linked in French; nothing English-only is listed.
    const links = hrefs($, 'main a');
    expect(links.some((h) => h.includes(ENGLISH_ONLY_ISSUE))).toBe(false);
    for (const link of links.filter((h) => h.startsWith('/fr/'))) {
      const target = link.endsWith('/') ? `${link}index.html` : `${link}/index.html`;
      expect(() => file(target.slice(1)), link).not.toThrow();
    }
    expect(hreflangs($)).toMatchObject({ 'en-CA': `${SITE}/sitemap/`, 'fr-CA': `${SITE}/fr/sitemap/` });
  });

  it('keeps the English site map English', () => {
    const $ = page('sitemap');
    expect($('html').attr('lang')).toBe('en-CA');
    expect($('h1').text()).toBe('Site map');
    expect($('main section h2').first().text()).toBe('About us');
    expect($('main section').first().find('a[href="/"]').text()).toBe('Home');
    expect(hrefs($, 'main a').filter((h) => h.startsWith('/fr/'))).toEqual([]);
    expect($('main').text()).not.toContain('La ferme se prépare');
  });

  it('builds a French 404 with French links, and leaves the English one English', () => {
    const $ = page('fr/404');
    expect($('html').attr('lang')).toBe('fr-CA');
    expect($('h1').text()).toBe('Nous n’avons pas trouvé cette page');
    expect($('meta[name=robots]').attr('content')).toContain('noindex');
    expect(hrefs($, 'main a')).toEqual(expect.arrayContaining(['/fr/', '/fr/sitemap', '/fr/faq/', '/fr/products/']));
    expect($('main p').last().find('a[href^="mailto:"], a[href^="tel:"]')).toHaveLength(2);
    expect($('main p').last().text()).toMatch(/^Toujours rien\? Écrivez à .+ ou appelez au .+ et dites-nous ce que vous cherchiez\.$/);
    // A 404 is no page to offer in another language.
    expect(hreflangs($)).toEqual({});
    const en = load(file('404.html'));
    expect(en('html').attr('lang')).toBe('en-CA');
    expect(en('h1').text()).toBe('We could not find that page');
    expect(hrefs(en, 'main a')).toContain('/sitemap');
  });

  it('sends French search forms to /fr/search, with the live results’ words in French', () => {
    const form = page('fr')('header form[role=search]');
    expect(form.attr('action')).toBe('/fr/search');
    expect(form.attr('data-search')?.split('|')).toEqual(['Tous les résultats', 'Aucun résultat pour « {q} ».', '{n} résultat', '{n} résultats']);
    const english = page('')('header form[role=search]');
    expect(english.attr('action')).toBe('/search');
    expect(english.attr('data-search')?.split('|')[0]).toBe('All results');
  });
});

describe('the French pages Rapport’s server answers', () => {
  let running: RunningServer;
  let base: string;
  let storeDir: string;
  let browser: Browser;

  beforeAll(async () => {
    storeDir = await mkdtemp(path.join(os.tmpdir(), 'rapport-french-pages-'));
    running = await startServer({ distDir, port: 0, host: '127.0.0.1', store: { sqliteFile: path.join(storeDir, 'crm.sqlite') }, secret: SECRET });
    base = serverUrl(running.server);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.close();
    if (storeDir) await rm(storeDir, { recursive: true, force: true });
  });

  it('answers an address under /fr/ that does not exist with the French 404, and any other with the English one', async () => {
    for (const pathname of ['/fr/nothing-here', '/fr/faq/nothing-here/', '/fr/newsletter/nothing-here/']) {
      const answer = await raw(`${base}${pathname}`);
      expect(answer.status, pathname).toBe(404);
      const $ = load(answer.text);
      expect($('html').attr('lang'), pathname).toBe('fr-CA');
      expect($('h1').text(), pathname).toBe('Nous n’avons pas trouvé cette page');
    }
    for (const pathname of ['/nothing-here', '/faq/nothing-here/', '/french/nothing']) {
      const answer = await raw(`${base}${pathname}`);
      expect(answer.status, pathname).toBe(404);
      expect(load(answer.text)('h1').text(), pathname).toBe('We could not find that page');
    }
    const head = await raw(`${base}/fr/nothing-here`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(head.text).toBe('');
  });

  it('searches the French pages from /fr/search and says so in French', async () => {
    const answer = await raw(`${base}/fr/search?q=tulipes`);
    expect(answer.status).toBe(200);
    const $ = load(answer.text);
    expect($('html').attr('lang')).toBe('fr-CA');
    expect($('h1').text()).toBe('Résultats de recherche pour « tulipes »');
    const links = hrefs($, '.results > li > a');
    expect(links.length).toBeGreaterThan(1);
    expect(links.every((h) => h.startsWith('/fr/'))).toBe(true);
    expect($('[role=status]').text()).toMatch(/^\d+ résultats?[.,]/);
    expect($('main form[role=search]').attr('action')).toBe('/fr/search');
    expect($('nav[aria-label="Limiter à une partie du site"] a').first().text()).toBe('Tout');

    const none = load((await raw(`${base}/fr/search?q=zeppelin`)).text);
    expect(none('[role=status]').text()).toBe('Aucun résultat pour « zeppelin ».');
    const english = load((await raw(`${base}/search?q=zeppelin`)).text);
    expect(english('html').attr('lang')).toBe('en-CA');
    expect(english('[role=status]').text()).toBe('Nothing found for “zeppelin”.');
    expect(hrefs(load((await raw(`${base}/search?q=tulips`)).text), '.results > li > a').some((h) => h.startsWith('/fr/'))).toBe(false);
  });

  it('shows live results in French on a French page: from /fr/search, and from Pagefind where no server answers', async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    const asked: string[] = [];
    tab.on('request', (r) => asked.push(new URL(r.url()).pathname));
    await tab.goto(`${base}/fr/`);
    await tab.fill('#site-search', 'tulipes');
    await tab.waitForSelector('header .search-live li a');
    expect(asked).toContain('/fr/search');
    expect(asked).not.toContain('/search');
    const first = await tab.$eval('header .search-live li a', (a) => a.getAttribute('href'));
    expect(first?.startsWith('/fr/')).toBe(true);
    expect(await tab.textContent('header .search-live p.small')).toMatch(/^\d+ résultats?/);

    // A build served as static files: Pagefind answers, in the page's words.
    await context.route('**/search?**', (route) => route.fulfill({ status: 404, body: 'Not found' }));
    const fresh = await context.newPage();
    await fresh.goto(`${base}/fr/`);
    await fresh.fill('#site-search', 'zeppelin');
    await expect.poll(() => fresh.textContent('header .search-live'), { timeout: 15_000 }).toBe('Aucun résultat pour « zeppelin ».');
    await fresh.fill('#site-search', 'tulipes');
    await expect.poll(() => fresh.textContent('header .search-live p.small'), { timeout: 15_000 }).toMatch(/^\d+ résultats?$/);
    await context.close();
  });
});
