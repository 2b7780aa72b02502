import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pageFacts, scanPages } from '../../integrations/rapport/site/build/scan-pages.ts';
import { formatWeightTable, overBudget, type PageWeight } from '../../integrations/rapport/site/build/weight-report.ts';

const html = `<!doctype html><html><head><title>Tulips | Shop</title>
<meta name="description" content="Red tulips."><meta name="robots" content="noindex, follow">
<meta name="dcterms.modified" content="2026-03-01"><link rel="stylesheet" href="/_astro/a.css">
<meta property="og:image" content="https://shop.example/og/products/tulips.png"></head><body>
<picture><source srcset="/_astro/t-360.avif 360w, /_astro/t-720.avif 720w" type="image/avif"><img src="/_astro/t.jpg" alt=""></picture>
<img src="/_astro/lazy.jpg" loading="lazy" alt=""><img src="https://cdn.example/x.jpg" alt="">
<script src="/_astro/app.js"></script></body></html>`;

describe('reading a built page', () => {
  it('finds what the sitemap, social cards and weight report need', () => {
    const facts = pageFacts('products/tulips/index.html', html);
    expect(facts).toMatchObject({
      pathname: '/products/tulips/',
      title: 'Tulips | Shop',
      noindex: true,
      lastmod: '2026-03-01',
      stylesheets: ['/_astro/a.css'],
      scripts: ['/_astro/app.js'],
      // The widest candidate of the preferred <source>; lazy and off-site images are not counted.
      eagerImages: ['/_astro/t-720.avif'],
    });
    expect(facts.og.image).toBe('https://shop.example/og/products/tulips.png');
  });
});

describe('scanning the output again', () => {
  it('takes the facts of a byte-identical page from the last scan, and reads a changed page afresh', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rapport-scan-'));
    try {
      const outDir = path.join(dir, 'dist');
      const cacheFile = path.join(dir, 'cache', 'page-facts.json');
      await mkdir(path.join(outDir, 'a'), { recursive: true });
      await writeFile(path.join(outDir, 'a', 'index.html'), '<title>Tulips</title>');
      await writeFile(path.join(outDir, 'index.html'), '<title>Home</title>');
      expect((await scanPages(outDir, cacheFile)).map((p) => p.title)).toEqual(['Tulips', 'Home']);

      // Mark the cached facts, to see which ones a second scan uses.
      const cache = JSON.parse(await readFile(cacheFile, 'utf8')) as { pages: Record<string, { title: string }> };
      for (const facts of Object.values(cache.pages)) facts.title = `cached ${facts.title}`;
      await writeFile(cacheFile, JSON.stringify(cache));
      await writeFile(path.join(outDir, 'index.html'), '<title>Home, new</title>');
      expect((await scanPages(outDir, cacheFile)).map((p) => p.title)).toEqual(['cached Tulips', 'Home, new']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('page-weight budgets', () => {
  const weights: PageWeight[] = [
    { pathname: '/', text: 9_000, textBrotli: 7_000, images: 20_000, total: 29_000 },
    { pathname: '/big/', text: 15_200, textBrotli: 12_000, images: 90_000, total: 105_200 },
  ];

  it('names each page over budget with its figure and the limit', () => {
    expect(overBudget(weights, { textKb: 14, totalKb: 100 })).toEqual([
      '/big/: HTML+CSS+JS is 15.2 KB compressed, over the 14 KB budget',
      '/big/: page with images is 105.2 KB, over the 100 KB budget',
    ]);
    expect(overBudget(weights, { textKb: 20, totalKb: 200 })).toEqual([]);
  });

  it('prints the heaviest pages first', () => {
    const table = formatWeightTable(weights).split('\n');
    expect(table[1]).toMatch(/^\/big\/\s+15\.2 KB\s+12\.0 KB\s+90\.0 KB\s+105\.2 KB$/);
    expect(table[2]).toMatch(/^\/\s+9\.0 KB/);
  });
});
