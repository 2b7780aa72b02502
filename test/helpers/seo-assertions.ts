import { readFileSync } from 'node:fs';
import path from 'node:path';
import { imageSize } from 'image-size';
import { expect } from 'vitest';
import { SEARCH_SCRIPT } from '../../integrations/rapport/site/components/search-script.ts';
import { jsonLd, type BuiltPage } from './built-site.ts';

/** Types of JSON-LD blocks a page carries, e.g. `['Product', 'BreadcrumbList']`. */
export function jsonLdTypes(page: BuiltPage): string[] {
  return jsonLd(page.$).map((block) => String(block['@type']));
}

/** The checks every generated HTML page must pass; returns the page's facts for further checks. */
export function expectCompleteSeo(page: BuiltPage, clientDir: string, site: string) {
  const { $, file } = page;
  const title = $('head > title').text();
  const description = $('meta[name="description"]').attr('content') ?? '';
  const canonical = $('link[rel="canonical"]').attr('href') ?? '';
  const ogImage = $('meta[property="og:image"]').attr('content') ?? '';
  expect(title.length, `${file}: <title>`).toBeGreaterThanOrEqual(10);
  expect(description.length, `${file}: meta description`).toBeGreaterThanOrEqual(40);
  expect(description.length, `${file}: meta description`).toBeLessThanOrEqual(160);
  expect(canonical.startsWith(`${site}/`), `${file}: canonical ${canonical}`).toBe(true);
  expect($('meta[property="og:title"]').attr('content'), `${file}: og:title`).toBeTruthy();
  expect($('meta[name="twitter:card"]').attr('content'), `${file}: twitter:card`).toBe('summary_large_image');
  expect(ogImage.startsWith(`${site}/og/`), `${file}: og:image ${ogImage}`).toBe(true);
  const png = readFileSync(path.join(clientDir, new URL(ogImage).pathname));
  const size = imageSize(png);
  expect([size.type, size.width, size.height], `${file}: og:image size`).toEqual(['png', 1200, 630]);
  const blocks = jsonLd($);
  for (const block of blocks) expect(block['@context'], `${file}: JSON-LD @context`).toBe('https://schema.org');
  // No JavaScript but the search loader (inline, small, and it fetches nothing until the visitor types), exactly as written.
  const scripts = $('script:not([type="application/ld+json"])');
  expect(scripts.filter('[src]').length, `${file}: loads no script file`).toBe(0);
  expect(scripts.length, `${file}: at most the search loader`).toBeLessThanOrEqual(1);
  if (scripts.length) expect(scripts.text(), `${file}: the search loader`).toBe(SEARCH_SCRIPT);
  expect($('link[rel="preload"][as="font"], link[href*="fonts.googleapis"]').length, `${file}: no web fonts`).toBe(0);
  return { title, description, canonical, noindex: /noindex/.test($('meta[name="robots"]').attr('content') ?? '') };
}
