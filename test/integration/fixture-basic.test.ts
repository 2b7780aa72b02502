import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, jsonLd, readPages, sitemapUrls, validateSitemaps, type BuiltPage } from '../helpers/built-site.ts';
import { expectCompleteSeo, jsonLdTypes } from '../helpers/seo-assertions.ts';

const root = path.resolve(import.meta.dirname, '../fixtures/basic');
const SITE = 'https://fixture.example';
let site: Awaited<ReturnType<typeof buildSite>>;
let pages: BuiltPage[];
const page = (file: string) => {
  const found = pages.find((p) => p.file === file);
  if (!found) throw new Error(`${file} was not built`);
  return found;
};

beforeAll(async () => {
  site = await buildSite(root);
  pages = await readPages(site.clientDir);
});
afterAll(() => site?.cleanup());

describe('a small site built with rapport()', () => {
  it('builds the pages generated from content, and only published FAQ entries', () => {
    expect(pages.map((p) => p.file)).toEqual([
      '404.html',
      'about/index.html',
      'faq/category/returns/index.html',
      'faq/category/shipping/index.html',
      'faq/first-question/index.html',
      'faq/index.html',
      'faq/second-question/index.html',
      'hidden/index.html',
      'index.html',
      'newsletter/2026-04-spring/index.html',
      'newsletter/index.html',
      'products/category/vegetables/index.html',
      'products/index.html',
      'products/pea-seeds/index.html',
      'sitemap/index.html',
    ]);
  });

  it('gives every page a title, description, canonical URL, social tags and a 1200×630 og:image', () => {
    const facts = pages.map((p) => expectCompleteSeo(p, site.clientDir, SITE));
    const titles = facts.map((f) => f.title);
    expect(new Set(titles).size).toBe(titles.length);
    const descriptions = facts.map((f) => f.description);
    expect(new Set(descriptions).size).toBe(descriptions.length);
  });

  it('types structured data by page', () => {
    expect(jsonLdTypes(page('index.html')).sort()).toEqual(['Store', 'WebSite']);
    expect(jsonLdTypes(page('products/pea-seeds/index.html'))).toEqual(['Product', 'BreadcrumbList']);
    expect(jsonLdTypes(page('faq/index.html'))).toEqual(['BreadcrumbList']);
    expect(jsonLdTypes(page('faq/category/shipping/index.html'))).toEqual(['FAQPage', 'BreadcrumbList']);
    expect(jsonLdTypes(page('faq/first-question/index.html'))).toEqual(['FAQPage', 'BreadcrumbList']);
    expect(jsonLdTypes(page('newsletter/2026-04-spring/index.html'))).toEqual(['Article', 'BreadcrumbList']);
    expect(jsonLdTypes(page('about/index.html'))).toEqual(['BreadcrumbList']);

    const [product] = jsonLd(page('products/pea-seeds/index.html').$) as [Record<string, any>];
    expect(product.offers).toMatchObject({ '@type': 'Offer', price: '4.50', priceCurrency: 'CAD', availability: 'https://schema.org/InStock' });
    expect(product.sku).toBe('SEED-PEA-01');
    const [faq] = jsonLd(page('faq/category/shipping/index.html').$) as [Record<string, any>];
    // The pending question is not published, so only one Shipping answer is marked up.
    expect(faq.mainEntity.map((q: { name: string }) => q.name)).toEqual(['When do you ship seed orders?']);
    expect(faq.mainEntity[0].acceptedAnswer.text).toContain('<strong>every Monday</strong>');
    const [website] = jsonLd(page('index.html').$).filter((b) => b['@type'] === 'WebSite') as [Record<string, any>];
    expect(website.potentialAction.target.urlTemplate).toBe(`${SITE}/search?q={search_term_string}`);
  });

  it('lists every indexable page in a valid sitemap with lastmod from content, and no noindex or 404 page', async () => {
    expect(await validateSitemaps(site.clientDir)).toEqual([]);
    const urls = sitemapUrls(site.clientDir);
    const indexable = pages
      .filter((p) => !/noindex/.test(p.$('meta[name="robots"]').attr('content') ?? ''))
      .map((p) => p.$('link[rel="canonical"]').attr('href'));
    expect(urls.sort()).toEqual(indexable.sort());
    expect(urls).not.toContain(`${SITE}/hidden/`);
    expect(urls.some((u) => u.includes('404'))).toBe(false);
    const xml = readFileSync(path.join(site.clientDir, 'sitemap-0.xml'), 'utf8');
    expect(xml).toMatch(/<loc>https:\/\/fixture\.example\/products\/pea-seeds\/<\/loc><lastmod>2026-01-20/);
  });

  it('names the sitemap in robots.txt', () => {
    const robots = readFileSync(path.join(site.clientDir, 'robots.txt'), 'utf8');
    expect(robots).toContain(`Sitemap: ${SITE}/sitemap-index.xml`);
  });

  it('publishes the newsletter as an RSS 2.0 feed', () => {
    const rss = readFileSync(path.join(site.clientDir, 'newsletter/rss.xml'), 'utf8');
    expect(rss).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><rss version="2.0"/);
    expect(rss).toContain(`<link>${SITE}/newsletter/2026-04-spring/</link>`);
  });

  it('draws no newsletter sign-up without an adapter (nothing could answer it), only the archive', () => {
    for (const file of ['newsletter/index.html', 'newsletter/2026-04-spring/index.html', 'index.html']) {
      const { $ } = page(file);
      expect($('form[method=post]'), file).toHaveLength(0);
      expect($('a[href="/subscribe"]'), file).toHaveLength(0);
    }
    expect(page('newsletter/index.html').$('a[href="/newsletter/2026-04-spring/"]')).toHaveLength(1);
  });

  it('links every page from the HTML site map', () => {
    const links = page('sitemap/index.html')
      .$('main a')
      .toArray()
      .map((a) => a.attribs.href);
    for (const href of ['/', '/about/', '/products/pea-seeds/', '/faq/first-question/', '/newsletter/2026-04-spring/']) expect(links).toContain(href);
    expect(links).not.toContain('/hidden/');
    // The site's own pages first, then the features' parts in a fixed order.
    const headings = page('sitemap/index.html')
      .$('main h2')
      .toArray()
      .map((h) => page('sitemap/index.html').$(h).text());
    expect(headings.slice(0, 1)).toEqual(['About us']);
    expect(headings.slice(-2)).toEqual(['Questions and answers', 'Newsletter']);
    expect(headings).toHaveLength(4);
  });

  it('shows the business name, address, phone and opening hours on every page', () => {
    const footer = page('about/index.html').$('footer').text().replace(/\s+/g, ' ');
    expect(footer).toContain('Fixture Seeds Inc.');
    // As Canada Post writes it (localized-address-format): town, province and postal code on one line, no comma.
    expect(footer).toContain('Red Deer AB T4N 1A1');
    expect(footer).toContain('+1\u2011403\u2011555\u20110100'); // non-breaking hyphens: the number never wraps
    expect(footer).toContain('Mon–Wed 09:00–17:00');
    expect(page('about/index.html').$('footer a[href="tel:+14035550100"]').length).toBe(1);
  });

  it('writes Brotli and gzip copies of text files', () => {
    for (const file of ['index.html', 'sitemap-0.xml']) {
      expect(existsSync(path.join(site.clientDir, `${file}.br`)), `${file}.br`).toBe(true);
      expect(existsSync(path.join(site.clientDir, `${file}.gz`)), `${file}.gz`).toBe(true);
    }
  });
});
