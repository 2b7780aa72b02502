import { readFileSync } from 'node:fs';
import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as pagefind from 'pagefind';
import type { PageFacts } from '../../core/page-facts.ts';
import { extractRecord, type SearchRecord } from '../../site/build/extract.ts';
import { SearchCache } from './search-cache.ts';
import { buildSearchIndex, SEARCH_INDEX_FILE } from './site-search.ts';

/** Live search with Pagefind where no server answers `/search` (see `site/components/search-script.ts`). */
const LIVE_FILE = 'rapport-live.js';

export interface SearchBuild {
  records: number;
  /** Bytes written to `/pagefind/` and to the server's index. */
  pagefindBytes: number;
  serverIndexBytes: number;
  /** The indexes came unchanged from the previous build (same pages, same HTML). */
  reused?: boolean;
}

/**
 * Both search indexes from the same pages: Pagefind's, fetched in chunks by the browser from
 * `/pagefind/`, and lunr's, which stays on the server for `/search?q=` without JavaScript.
 * When no indexable page changed since the last build, both are taken from `cacheDir`.
 */
export async function buildSearch(options: {
  pages: readonly PageFacts[];
  outDir: string;
  serverDir: string | undefined;
  cacheDir?: string | undefined;
}): Promise<SearchBuild> {
  // Synchronous reads: thousands of small files are read faster in a loop than through the thread pool.
  const indexable = options.pages.filter((p) => !p.noindex).map((p) => ({ url: p.pathname, html: readFileSync(path.join(options.outDir, p.file), 'utf8') }));
  const pagefindDir = path.join(options.outDir, 'pagefind');
  const serverIndexFile = options.serverDir && path.join(options.serverDir, SEARCH_INDEX_FILE);
  const cache = options.cacheDir === undefined ? undefined : new SearchCache(options.cacheDir, indexable, !!serverIndexFile);
  const reused = cache?.restore(pagefindDir, serverIndexFile);
  if (reused) return { ...reused, reused: true };

  const records: SearchRecord[] = [];
  // No forced language: Pagefind makes one index per page language (`<html lang="fr-CA">` → `fr-ca`,
  // with French stemming) and the browser loads the one its page's `lang` names.
  const { index, errors } = await pagefind.createIndex();
  if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
  try {
    for (const { url, html } of indexable) {
      const record = extractRecord(url, html);
      if (!record) continue;
      records.push(record);
      const added = await index.addHTMLFile({ url, content: html });
      if (added.errors.length) throw new Error(`Pagefind could not index ${url}: ${added.errors.join('; ')}`);
    }
    const written = await index.writeFiles({ outputPath: pagefindDir });
    if (written.errors.length) throw new Error(`Pagefind could not write its files: ${written.errors.join('; ')}`);
    // The live search for static hosting, beside the Pagefind module it imports.
    await copyFile(new URL('./pagefind-live.js', import.meta.url), path.join(pagefindDir, LIVE_FILE));
    const files = await index.getFiles();
    const pagefindBytes = files.files.reduce((sum, f) => sum + f.content.byteLength, 0);
    let serverIndexBytes = 0;
    if (serverIndexFile) {
      const json = JSON.stringify(buildSearchIndex(records));
      await writeFile(serverIndexFile, json);
      serverIndexBytes = Buffer.byteLength(json);
    }
    const summary = { records: records.length, pagefindBytes, serverIndexBytes };
    cache?.save(pagefindDir, serverIndexFile, summary);
    return summary;
  } finally {
    await index.deleteIndex();
    await pagefind.close();
  }
}
