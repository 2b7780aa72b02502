import { request } from 'node:http';
import type http from 'node:http';
import path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readBuildInfo } from '../../integrations/rapport/core/build-info.ts';
import { featureContext, featureRoutes, resultPages } from '../../integrations/rapport/features/declared.ts';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { readPages, sitemapUrls, validateSitemaps, type BuiltPage } from '../helpers/built-site.ts';
import { expectCompleteSeo, jsonLdTypes } from '../helpers/seo-assertions.ts';

const SITE = 'https://www.chinookbulbfarm.ca';
const site = { outDir: inject('referenceBuild'), clientDir: path.join(inject('referenceBuild'), 'client') };
let pages: BuiltPage[];
let running: RunningServer;
let base: string;

const under = (prefix: string) => pages.filter((p) => p.file.startsWith(prefix) && p.file !== `${prefix}index.html`);

beforeAll(async () => {
  pages = await readPages(site.clientDir);
  running = await startServer({
    distDir: site.outDir,
    port: 0,
    host: '127.0.0.1',
    store: { sqliteFile: path.join(site.outDir, 'crm.sqlite') },
    secretFile: path.join(site.outDir, 'secret'),
  });
  base = serverUrl(running.server);
});
afterAll(async () => {
  await running?.close();
});

/** A raw GET, so the test sees the bytes and headers exactly as a browser would receive them. */
function get(pathname: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    request(`${base}${pathname}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

/** A raw request with a body; resolves with the response even when the server stops reading early. */
function send(method: string, pathname: string, body: Buffer, headers: Record<string, string>) {
  return new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
    const req = request(`${base}${pathname}`, { method, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    req.end(body);
  });
}

describe('the reference site (Chinook Bulb Farm)', () => {
  it('has the pages a real small business needs', () => {
    const files = pages.map((p) => p.file);
    for (const file of [
      'index.html',
      'about/index.html',
      'contact/index.html',
      'customers/index.html',
      'suppliers/index.html',
      'investors/index.html',
      'sitemap/index.html',
      '404.html',
    ]) {
      expect(files).toContain(file);
    }
    expect(under('products/').filter((p) => !p.file.startsWith('products/category/')).length).toBeGreaterThanOrEqual(12);
    expect(under('faq/').filter((p) => !p.file.startsWith('faq/category/')).length).toBeGreaterThanOrEqual(20);
    expect(under('newsletter/').length).toBeGreaterThanOrEqual(3);
    const categories = pages
      .find((p) => p.file === 'faq/index.html')!
      .$('main section h2')
      .toArray();
    expect(categories.length).toBeGreaterThanOrEqual(4);
  });

  it('gives every page complete, unique SEO metadata', () => {
    // The content manager (/admin/) is a tool for staff, not a page for search engines.
    expect(
      pages
        .find((p) => p.file === 'admin/index.html')
        ?.$('meta[name=robots]')
        .attr('content'),
    ).toContain('noindex');
    const seo = pages.filter((p) => !p.file.startsWith('admin/'));
    const facts = seo.map((p) => expectCompleteSeo(p, site.clientDir, SITE));
    const duplicates = (values: string[]) => values.filter((v, i) => values.indexOf(v) !== i);
    // Unique within a language: a page and its translation may share a name ('Dahlias', a cultivar's), never a description.
    const language = seo.map((p) => p.$('html').attr('lang'));
    expect(duplicates(facts.map((f, i) => `${language[i]} ${f.title}`))).toEqual([]);
    expect(duplicates(facts.map((f) => f.description))).toEqual([]);
  });

  it('describes the business, products, answers and articles in structured data', () => {
    const types = (file: string) => jsonLdTypes(pages.find((p) => p.file === file)!);
    expect(types('index.html')).toEqual(['GardenStore', 'WebSite']);
    for (const p of under('products/').filter((p) => !p.file.startsWith('products/category/')))
      expect(jsonLdTypes(p), p.file).toEqual(['Product', 'BreadcrumbList']);
    for (const p of under('newsletter/')) expect(jsonLdTypes(p), p.file).toEqual(['Article', 'BreadcrumbList']);
    const faqPages = pages.filter((p) => p.file.startsWith('faq/') && p.file !== 'faq/index.html' && !p.file.startsWith('faq/ask/'));
    for (const p of faqPages) expect(jsonLdTypes(p), p.file).toEqual(['FAQPage', 'BreadcrumbList']);
  });

  it('lists every indexable page in sitemaps that validate', async () => {
    expect(await validateSitemaps(site.clientDir)).toEqual([]);
    const urls = sitemapUrls(site.clientDir).sort();
    const canonicals = pages.filter((p) => !p.$('meta[name="robots"]').length).map((p) => p.$('link[rel="canonical"]').attr('href')!);
    expect(urls).toEqual(canonicals.sort());
  });

  it('keeps every private route of the enabled features out of the sitemap, and draws it noindex', async () => {
    const built = readBuildInfo(site.outDir);
    const ctx = featureContext(built.config, true);
    const privatePaths = [...featureRoutes(ctx).filter((r) => r.private), ...Object.keys(resultPages(ctx)).map((pattern) => ({ pattern }))]
      .map((r) => r.pattern)
      .filter((p) => !p.includes('['));
    expect(privatePaths).toEqual(expect.arrayContaining(['/subscribe', '/account', '/order', '/admin', '/contact/sent']));
    const listed = new Set(sitemapUrls(site.clientDir).map((u) => new URL(u).pathname.replace(/\/$/, '') || '/'));
    for (const path of privatePaths) expect(listed.has(path), `${path} is not in the sitemap`).toBe(false);
    // Each one that answers with a page says noindex (the catalogue file has moved out of the public folder).
    const drawn: string[] = [];
    for (const path of privatePaths) {
      const res = await get(path.endsWith('.json') ? path : `${path}/`.replace(/\/\/$/, '/'));
      if (res.status !== 200 || !String(res.headers['content-type']).includes('html')) continue;
      expect(load(res.body.toString()).root().find('meta[name=robots]').attr('content'), path).toContain('noindex');
      drawn.push(path);
    }
    expect(drawn).toEqual(expect.arrayContaining(['/subscribe', '/order', '/admin', '/contact/sent', '/faq/ask']));
  });

  it('serves pages precompressed with Brotli when the browser accepts it', async () => {
    const res = await get('/products/', { 'accept-encoding': 'gzip, deflate, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers.vary).toMatch(/Accept-Encoding/i);
    expect(brotliDecompressSync(res.body).toString()).toContain('<h1>Our bulbs</h1>');
    const plain = await get('/products/');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toContain('<h1>Our bulbs</h1>');
  });

  it('refuses a cross-site form post before any handler runs', async () => {
    const res = await send('POST', '/products/', Buffer.from('email=a%40b.example'), {
      origin: 'https://evil.example',
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(403);
    expect(res.body.toString()).toMatch(/can only be sent from the site itself/);
    const same = await send('POST', '/products/', Buffer.from('email=a%40b.example'), { origin: base, 'content-type': 'application/x-www-form-urlencoded' });
    expect(same.status).not.toBe(403);
  });

  it('answers a 10 MB body with 413 without reading it', async () => {
    const res = await send('POST', '/subscribe', Buffer.alloc(10 * 1024 * 1024, 'a'), { origin: base, 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(413);
    expect(res.body.toString()).toMatch(/more than this site accepts \(64 KB\)/);
  });

  it('answers an unknown address with the helpful 404 page', async () => {
    const res = await get('/no-such-bulb/');
    expect(res.status).toBe(404);
    expect(res.body.toString()).toContain('We could not find that page');
  });
});
