import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaErrors, wellFormednessErrors } from '../helpers/xml.ts';

// The XML checks the build tests rely on must be able to fail: libxml2 (WebAssembly) against the
// sitemaps.org schema kept in the repository.
describe('XML checks without a system xmllint', () => {
  let dir: string;
  const sitemap = async (name: string, urls: string) => {
    const file = path.join(dir, name);
    await writeFile(file, `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls}</urlset>`);
    return file;
  };
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rapport-xml-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('accepts a valid sitemap and names what breaks the schema in another', async () => {
    const good = await sitemap('good.xml', '<url><loc>https://example.com/</loc><lastmod>2026-11-30</lastmod></url>');
    expect(await schemaErrors([good])).toEqual([]);
    const bad = await sitemap('bad.xml', '<url><lastmod>yesterday</lastmod><changefreq>sometimes</changefreq></url>');
    const errors = await schemaErrors([bad]);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(/bad\.xml.*(lastmod|loc|changefreq)/);
  });

  it('tells well-formed XML from broken XML', async () => {
    expect(await wellFormednessErrors('<rss version="2.0"><channel><title>A &amp; B</title></channel></rss>')).toEqual([]);
    expect((await wellFormednessErrors('<rss><channel><title>A & B</title></rss>')).length).toBeGreaterThan(0);
  });
});
