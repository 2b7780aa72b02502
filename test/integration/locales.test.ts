import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { load } from 'cheerio';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { SECRET } from '../helpers/browser.ts';
import { raw } from '../helpers/form-client.ts';
import { jsonLd, readPages, validateSitemaps, type BuiltPage } from '../helpers/built-site.ts';
import { englishAround } from '../helpers/english-words.ts';

/**
 * The reference site in two languages (`site.locales: ['en-CA', 'fr-CA']`), from the build every
 * suite shares: English at `/`, French at `/fr/`, each page linked only to translations that exist.
 */
const SITE = 'https://www.chinookbulbfarm.ca';
const clientDir = path.join(inject('referenceBuild'), 'client');
let pages: BuiltPage[];
const page = (file: string) => {
  const found = pages.find((p) => p.file === file.split('/').join(path.sep));
  if (!found) throw new Error(`no page ${file}`);
  return found;
};
const alternates = ({ $ }: BuiltPage) =>
  $('link[rel="alternate"][hreflang]')
    .toArray()
    .map((l) => [$(l).attr('hreflang'), $(l).attr('href')]);
/** The site path of a built page: `fr/about/index.html` → `/fr/about/`. */
/** French pages the server renders per request (forms, search, result pages). */
const SERVER_PAGES = [
  '/fr/search?q=tulipes',
  '/fr/search?q=zeppelin',
  '/fr/subscribe',
  '/fr/subscribe/check-your-inbox',
  '/fr/faq/ask',
  '/fr/faq/ask?question=Quand+planter+les+tulipes%3F',
  '/fr/contact/message',
  '/fr/account/register',
  '/fr/account/sign-in',
];
const pathOf = (file: string) => `/${file.split(path.sep).join('/')}`.replace(/index\.html$/, '').replace(/\.html$/, '');

let running: RunningServer;
let base: string;

beforeAll(async () => {
  pages = await readPages(clientDir);
  const store = await mkdtemp(path.join(os.tmpdir(), 'rapport-locales-'));
  running = await startServer({
    distDir: inject('referenceBuild'),
    port: 0,
    host: '127.0.0.1',
    store: { sqliteFile: path.join(store, 'crm.sqlite') },
    secret: SECRET,
  });
  base = serverUrl(running.server);
  return async () => {
    await running.close();
    await rm(store, { recursive: true, force: true });
  };
});

describe('a site in two languages', () => {
  it('keeps the default language where it was and puts the French pages under /fr/, in French', () => {
    expect(page('about/index.html').$('html').attr('lang')).toBe('en-CA');
    const about = page('fr/about/index.html');
    expect(about.$('html').attr('lang')).toBe('fr-CA');
    expect(about.$('h1').text()).toMatch(/famille/i);
    expect(about.$('meta[property="og:locale"]').attr('content')).toBe('fr_CA');
    expect(about.$('meta[property="og:locale:alternate"]').attr('content')).toBe('en_CA');
    expect(about.$('link[rel="canonical"]').attr('href')).toBe(`${SITE}/fr/about/`);
    // The layout speaks French too: the skip link, the breadcrumb's first step, the header's way back to English.
    expect(about.$('.skip-link').text()).toBe('Aller au contenu');
    expect(about.$('nav.breadcrumbs li').first().text()).toBe('Accueil');
    expect(about.$('a[hreflang="en-CA"]').attr('href')).toBe('/about/');
  });

  it('describes the site in the language of its home page, searched in it', () => {
    const site = (file: string) =>
      jsonLd(page(file).$).find((d) => d['@type'] === 'WebSite') as { inLanguage: string; url: string; potentialAction: { target: { urlTemplate: string } } };
    expect(site('index.html')).toMatchObject({
      inLanguage: 'en-CA',
      url: `${SITE}/`,
      potentialAction: { target: { urlTemplate: `${SITE}/search?q={search_term_string}` } },
    });
    expect(site('fr/index.html')).toMatchObject({
      inLanguage: 'fr-CA',
      url: `${SITE}/fr/`,
      potentialAction: { target: { urlTemplate: `${SITE}/fr/search?q={search_term_string}` } },
    });
  });

  it('gives every page a lang attribute and a title and description of its own, in each language', () => {
    // (The CMS at /admin/ is Decap's own page, in its own language.)
    for (const p of pages.filter((p) => !p.file.startsWith(`admin${path.sep}`))) expect(p.$('html').attr('lang'), p.file).toMatch(/^(en|fr)-CA$/);
    const indexed = pages.filter((p) => p.$('meta[name="robots"]').attr('content') !== 'noindex, follow' && p.$('title').length);
    const french = indexed.filter((p) => p.file.startsWith(`fr${path.sep}`));
    expect(french.length).toBeGreaterThan(10);
    for (const p of french) expect(p.$('html').attr('lang'), p.file).toBe('fr-CA');
    // Unique within each language (a variety's name is the same in both, and rightly so).
    for (const language of [french, indexed.filter((p) => !french.includes(p))]) {
      for (const list of [language.map((p) => p.$('title').text()), language.map((p) => p.$('meta[name="description"]').attr('content'))]) {
        const seen = new Map<string, string>();
        const twice = list.flatMap((text, i) => {
          const other = seen.get(text ?? '');
          seen.set(text ?? '', language[i]!.file);
          return other ? [`${other} and ${language[i]!.file}: ${text}`] : [];
        });
        expect(twice).toEqual([]);
      }
    }
  });

  it('says everything around the content in French on French pages: no English word in the header, footer, navigation, forms or labels', async () => {
    const french = pages.filter((p) => p.file.startsWith(`fr${path.sep}`));
    // The pages the server draws per request, in French.
    for (const pathname of SERVER_PAGES) {
      const answer = await raw(`${base}${pathname}`);
      expect([pathname, answer.status]).toEqual([pathname, 200]);
      const $ = load(answer.text);
      expect($('html').attr('lang'), pathname).toBe('fr-CA');
      french.push({ file: pathname, $ });
    }
    // (The check finds English where there is some: the English sign-up page has plenty.)
    expect(englishAround([{ file: '/subscribe', $: load((await raw(`${base}/subscribe`)).text) }]).length).toBeGreaterThan(3);
    expect(englishAround(french)).toEqual([]);
  });

  it('links a translated page to its translation both ways, with x-default on the default language', () => {
    const expected = [
      ['en-CA', `${SITE}/about/`],
      ['fr-CA', `${SITE}/fr/about/`],
      ['x-default', `${SITE}/about/`],
    ];
    expect(alternates(page('about/index.html'))).toEqual(expected);
    expect(alternates(page('fr/about/index.html'))).toEqual(expected);
    expect(alternates(page('index.html'))).toEqual([
      ['en-CA', `${SITE}/`],
      ['fr-CA', `${SITE}/fr/`],
      ['x-default', `${SITE}/`],
    ]);
  });

  it('never links a page to a translation that does not exist', () => {
    const built = new Set(pages.map((p) => `${SITE}${pathOf(p.file)}`));
    const broken = pages.flatMap((p) => alternates(p).flatMap(([, href]) => (built.has(href!) ? [] : [`${p.file} → ${href}`])));
    expect(broken).toEqual([]);
    // A page with no French translation has no alternates at all, and no French page of it was built.
    const untranslated = page('faq/deer-resistant-bulbs/index.html');
    expect(alternates(untranslated)).toEqual([]);
    expect(pages.some((p) => p.file === path.join('fr', 'faq', 'deer-resistant-bulbs', 'index.html'))).toBe(false);
    expect(untranslated.$('meta[property="og:locale:alternate"]').length).toBe(0);
  });

  it('lists each language only in its own pages: no French entry on an English list, and no link from a French page to a French page that is missing', () => {
    const englishHome = page('index.html');
    // Only the header's way to the French home page, marked as French.
    expect(
      englishHome
        .$('a[href^="/fr/"]')
        .toArray()
        .map((a) => englishHome.$(a).attr('hreflang')),
    ).toEqual(['fr-CA']);
    const built = new Set(readdirSync(clientDir, { recursive: true, encoding: 'utf8' }).map(pathOf));
    const dead = pages
      .filter((p) => p.file.startsWith(`fr${path.sep}`))
      .flatMap((p) =>
        p
          .$('a[href^="/fr/"]')
          .toArray()
          .map((a) => p.$(a).attr('href')!.split(/[?#]/)[0]!)
          .filter((href) => !built.has(href) && !built.has(`${href}/`))
          .map((href) => `${p.file} → ${href}`),
      );
    // Server-rendered French pages (forms, search) are not in the static output: only prerendered targets count here.
    expect(dead.filter((d) => !/→ \/fr\/(search|subscribe|faq\/ask|contact\/message|order|cart|track|account|unsubscribe)/.test(d))).toEqual([]);
  });

  it('writes sitemaps with the alternates of each translated page, valid against the schema, and without untranslated French addresses', async () => {
    expect(await validateSitemaps(clientDir)).toEqual([]);
    const xml = readFileSync(path.join(clientDir, 'sitemap-0.xml'), 'utf8');
    const entry = (loc: string) => new RegExp(`<url><loc>${loc.replace(/[.?]/g, '\\$&')}</loc>(.*?)</url>`).exec(xml)?.[1];
    expect(entry(`${SITE}/about/`)).toContain(`<xhtml:link rel="alternate" hreflang="fr-CA" href="${SITE}/fr/about/"/>`);
    expect(entry(`${SITE}/fr/about/`)).toContain(`<xhtml:link rel="alternate" hreflang="en-CA" href="${SITE}/about/"/>`);
    expect(entry(`${SITE}/faq/deer-resistant-bulbs/`)).not.toContain('xhtml:link');
    expect(xml).not.toContain(`${SITE}/fr/faq/deer-resistant-bulbs/`);
  });

  it('keeps crawlers out of the customer’s own pages in each language', () => {
    const robots = readFileSync(path.join(clientDir, 'robots.txt'), 'utf8');
    expect(robots).toMatch(/^Disallow: \/account\/$/m);
    expect(robots).toMatch(/^Disallow: \/fr\/account\/$/m);
  });
});
