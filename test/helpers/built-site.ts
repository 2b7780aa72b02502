import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'astro';
import { load, type CheerioAPI } from 'cheerio';
import { schemaErrors } from './xml.ts';

const repo = path.resolve(import.meta.dirname, '../..');

/**
 * Builds a site through Astro's public API into a fresh temporary folder inside the repository
 * (server chunks import packages, so the output must sit where `node_modules` can be found).
 */
export async function buildSite(root: string, options: { env?: Record<string, string> } = {}) {
  await mkdir(path.join(repo, '.rapport', 'builds'), { recursive: true });
  const outDir = await mkdtemp(path.join(repo, '.rapport', 'builds', 'build-'));
  const saved = { ...process.env };
  Object.assign(process.env, options.env, { FIXTURE_OUT_DIR: outDir });
  try {
    await build({ root, outDir, logLevel: 'error' });
  } finally {
    process.env = saved;
  }
  // With the Node adapter the public files are in `client/`.
  const clientDir = existsSync(path.join(outDir, 'client')) ? path.join(outDir, 'client') : outDir;
  return { outDir, clientDir, cleanup: () => rm(outDir, { recursive: true, force: true }) };
}

export interface BuiltPage {
  file: string;
  $: CheerioAPI;
}

/** Every HTML page of a build, parsed. */
export async function readPages(clientDir: string): Promise<BuiltPage[]> {
  const files = (await readdir(clientDir, { recursive: true })).filter((f) => f.endsWith('.html')).sort();
  return files.map((file) => ({ file, $: load(readFileSync(path.join(clientDir, file), 'utf8')) }));
}

/** Parsed JSON-LD blocks of a page (throws on invalid JSON, which is the point). */
export function jsonLd($: CheerioAPI): Array<Record<string, unknown>> {
  return $('script[type="application/ld+json"]')
    .toArray()
    .map((el) => JSON.parse($(el).text()) as Record<string, unknown>);
}

const locs = (file: string) => [...readFileSync(file, 'utf8').matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!);

/** The sitemap files the sitemap index lists, as paths in the output. */
function sitemapFiles(clientDir: string): string[] {
  return locs(path.join(clientDir, 'sitemap-index.xml')).map((url) => path.join(clientDir, new URL(url).pathname));
}

/** `<loc>` URLs of every sitemap file in the output. */
export function sitemapUrls(clientDir: string): string[] {
  return sitemapFiles(clientDir).flatMap(locs);
}

/** Validates each sitemap file against the sitemaps.org schema; resolves with libxml2's messages (`[]` when valid). */
export function validateSitemaps(clientDir: string): Promise<string[]> {
  return schemaErrors(sitemapFiles(clientDir));
}
