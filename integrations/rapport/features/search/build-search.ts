import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as pagefind from 'pagefind';
import type { PageFacts } from '../../core/page-facts.ts';
import { extractRecord, type SearchRecord } from '../../site/build/extract.ts';
import { buildSearchIndex, SEARCH_INDEX_FILE } from './site-search.ts';

/** Live search with Pagefind where no server answers `/search` (see `site/components/search-script.ts`). */
const LIVE_FILE = 'rapport-live.js';

export interface SearchBuild {
  records: number;
  /** Bytes written to `/pagefind/` and to the server's index. */
  pagefindBytes: number;
  serverIndexBytes: number;
}

/**
 * Both search indexes from the same pages: Pagefind's, fetched in chunks by the browser from
 * `/pagefind/`, and lunr's, which stays on the server for `/search?q=` without JavaScript.
 */
export async function buildSearch(options: { pages: readonly PageFacts[]; outDir: string; serverDir: string | undefined }): Promise<SearchBuild> {
  const indexable = options.pages.filter((p) => !p.noindex);
  const records: SearchRecord[] = [];
  const { index, errors } = await pagefind.createIndex({ forceLanguage: 'en' });
  if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
  try {
    for (const page of indexable) {
      const html = await readFile(path.join(options.outDir, page.file), 'utf8');
      const record = extractRecord(page.pathname, html);
      if (!record) continue;
      records.push(record);
      const added = await index.addHTMLFile({ url: page.pathname, content: html });
      if (added.errors.length) throw new Error(`Pagefind could not index ${page.pathname}: ${added.errors.join('; ')}`);
    }
    const written = await index.writeFiles({ outputPath: path.join(options.outDir, 'pagefind') });
    if (written.errors.length) throw new Error(`Pagefind could not write its files: ${written.errors.join('; ')}`);
    // The live search for static hosting, beside the Pagefind module it imports.
    await copyFile(new URL('./pagefind-live.js', import.meta.url), path.join(options.outDir, 'pagefind', LIVE_FILE));
    const files = await index.getFiles();
    const pagefindBytes = files.files.reduce((sum, f) => sum + f.content.byteLength, 0);
    let serverIndexBytes = 0;
    if (options.serverDir) {
      const json = JSON.stringify(buildSearchIndex(records));
      await writeFile(path.join(options.serverDir, SEARCH_INDEX_FILE), json);
      serverIndexBytes = Buffer.byteLength(json);
    }
    return { records: records.length, pagefindBytes, serverIndexBytes };
  } finally {
    await index.deleteIndex();
    await pagefind.close();
  }
}
