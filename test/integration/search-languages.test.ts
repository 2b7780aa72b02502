import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import sirv from 'sirv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageFacts } from '../../integrations/rapport/core/page-facts.ts';
import { buildSearch } from '../../integrations/rapport/features/search/build-search.ts';
import { SEARCH_INDEX_FILE, SiteSearch, type SearchIndexFile } from '../../integrations/rapport/features/search/site-search.ts';
import { launchBrowser } from '../helpers/browser.ts';

/** A page as BaseLayout writes it: the language on `<html>`, the searchable part marked. */
const html = (lang: string, title: string, text: string) =>
  `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${title}</title></head><body><main data-pagefind-body data-pagefind-filter="section:Products"><h1>${title}</h1><p>${text}</p></main></body></html>`;

const PAGES: Record<string, string> = {
  '/peonies/': html('en-CA', 'Peonies', 'Plant peonies in autumn, two inches deep. They bloom in June for decades.'),
  '/tulips/': html('en-CA', 'Tulips', 'Plant tulips in October, six inches deep, before the ground freezes.'),
  '/fr/pivoines/': html('fr-CA', 'Pivoines', 'Plantez les pivoines à l’automne, à cinq centimètres de profondeur. Elles fleurissent en juin.'),
  '/fr/crocus/': html('fr-CA', 'Crocus printaniers', 'Les crocus sont déjà en fleurs en mars, même sous la neige.'),
};

let outDir: string;
let serverDir: string;
let server: http.Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(os.tmpdir(), 'rapport-search-lang-'));
  serverDir = await mkdtemp(path.join(os.tmpdir(), 'rapport-search-lang-server-'));
  const facts: PageFacts[] = [];
  for (const [pathname, body] of Object.entries(PAGES)) {
    const file = `${pathname.slice(1)}index.html`;
    await mkdir(path.dirname(path.join(outDir, file)), { recursive: true });
    await writeFile(path.join(outDir, file), body);
    facts.push({
      file,
      pathname,
      title: '',
      description: '',
      canonical: undefined,
      noindex: false,
      lastmod: undefined,
      og: { title: '', description: '', siteName: '', image: undefined },
      stylesheets: [],
      scripts: [],
      eagerImages: [],
    });
  }
  await buildSearch({ pages: facts, outDir, serverDir });
  // The build served as static files: the browser's only search is Pagefind's.
  const statics = sirv(outDir, { dev: true });
  server = http.createServer((req, res) => statics(req, res, () => void res.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await Promise.all([outDir, serverDir].map((d) => d && rm(d, { recursive: true, force: true })));
});

describe('search indexes of a site in English and French', () => {
  it('gives Pagefind one index per page language', async () => {
    const entry = JSON.parse(await readFile(path.join(outDir, 'pagefind', 'pagefind-entry.json'), 'utf8')) as {
      languages: Record<string, { page_count: number; wasm: string | null }>;
    };
    expect(Object.keys(entry.languages).sort()).toEqual(['en-ca', 'fr-ca']);
    expect(entry.languages['fr-ca']?.page_count).toBe(2);
    expect(entry.languages['en-ca']?.page_count).toBe(2);
  });

  it('has the browser on a French page search the French index, and on an English page the English one', async () => {
    const tab = await browser.newPage();
    const fetched: string[] = [];
    tab.on('request', (r) => fetched.push(new URL(r.url()).pathname));
    // A string, so the test runner does not rewrite the browser's import().
    const live = (q: string) =>
      tab.evaluate(
        `import('/pagefind/rapport-live.js').then((m) => m.search(${JSON.stringify(q)})).then(([status, n, items]) => ({ status, n, items }))`,
      ) as Promise<{
        status: string;
        n: number;
        items: string[];
      }>;

    await tab.goto(`${base}/fr/pivoines/`);
    const french = await live('pivoine');
    expect(french.n).toBe(1);
    expect(french.items[0]).toContain('href="/fr/pivoines/"');
    expect((await live('fleurs')).n).toBe(2); // French stemming: fleurs, fleurissent
    expect((await live('peonies')).n).toBe(0);
    // Pagefind folds accents too: a query without them finds the page's accented word, marked as written.
    const deja = await live('deja');
    expect(deja.n).toBe(1);
    expect(deja.items[0]).toContain('<mark>déjà</mark>');
    expect(fetched.some((p) => /\/pagefind\/pagefind\.fr-ca_[^/]+\.pf_meta$/.test(p))).toBe(true);
    expect(fetched.some((p) => p.includes('/pagefind/pagefind.en-ca_'))).toBe(false);

    fetched.length = 0;
    await tab.goto(`${base}/peonies/`);
    const english = await live('peony');
    expect(english.n).toBe(1);
    expect(english.items[0]).toContain('href="/peonies/"');
    expect((await live('pivoines')).n).toBe(0);
    expect(fetched.some((p) => p.includes('/pagefind/pagefind.fr-ca_'))).toBe(false);
    await tab.close();
  });

  it('writes the server an index per language that searches in the query’s language', async () => {
    const search = new SiteSearch(JSON.parse(await readFile(path.join(serverDir, SEARCH_INDEX_FILE), 'utf8')) as SearchIndexFile);
    const urls = (q: string, lang: string) => search.search(q, { lang }).hits.map((h) => h.url);
    expect(urls('pivoine', 'fr-CA')).toEqual(['/fr/pivoines/']);
    expect(urls('deja', 'fr-CA')).toEqual(['/fr/crocus/']);
    expect(search.search('deja', { lang: 'fr-CA' }).hits[0]?.excerpt).toContain('<mark>déjà</mark>');
    expect(urls('peone', 'en-CA')).toEqual(['/peonies/']);
    expect(urls('les de la', 'fr-CA')).toEqual([]);
    expect(urls('pivoine', 'en-CA')).toEqual([]);
  });
});
