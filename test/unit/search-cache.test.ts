import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PageFacts } from '../../integrations/rapport/core/page-facts.ts';
import { buildSearch } from '../../integrations/rapport/features/search/build-search.ts';
import { SEARCH_INDEX_FILE } from '../../integrations/rapport/features/search/site-search.ts';

let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});
const tmp = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rapport-search-'));
  dirs.push(dir);
  return dir;
};

const html = (title: string, text: string) =>
  `<!doctype html><html lang="en"><head><title>${title}</title></head><body><main data-pagefind-body><h1>${title}</h1><p>${text}</p></main></body></html>`;

/** A fresh output folder, as each build starts with, holding the given pages. */
async function output(pages: Record<string, string>): Promise<{ outDir: string; serverDir: string; facts: PageFacts[] }> {
  const [outDir, serverDir] = [await tmp(), await tmp()];
  const facts = await Promise.all(
    Object.entries(pages).map(async ([pathname, body]) => {
      const file = `${pathname.slice(1)}index.html`;
      await mkdir(path.dirname(path.join(outDir, file)), { recursive: true });
      await writeFile(path.join(outDir, file), body);
      return {
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
      };
    }),
  );
  return { outDir, serverDir, facts };
}

const listing = async (dir: string) => (await readdir(dir, { recursive: true })).map(String).sort();

describe('search indexes on a rebuild', () => {
  it('reuses both indexes when no page changed, and builds them again when one did', async () => {
    const cacheDir = await tmp();
    const pages = { '/tulips/': html('Tulips', 'Plant tulips in October.'), '/crocus/': html('Crocus', 'Crocus flower in March.') };

    const first = await output(pages);
    const built = await buildSearch({ pages: first.facts, outDir: first.outDir, serverDir: first.serverDir, cacheDir });
    expect(built).toMatchObject({ records: 2 });
    expect(built.reused).toBeUndefined();

    const second = await output(pages);
    const again = await buildSearch({ pages: second.facts, outDir: second.outDir, serverDir: second.serverDir, cacheDir });
    expect(again).toEqual({ ...built, reused: true });
    // The same files as a fresh index: Pagefind's folder (with the live-search script) and the server's index.
    expect(await listing(path.join(second.outDir, 'pagefind'))).toEqual(await listing(path.join(first.outDir, 'pagefind')));
    expect(await listing(path.join(second.outDir, 'pagefind'))).toContain('rapport-live.js');
    const serverIndex = await readFile(path.join(second.serverDir, SEARCH_INDEX_FILE), 'utf8');
    expect(serverIndex).toBe(await readFile(path.join(first.serverDir, SEARCH_INDEX_FILE), 'utf8'));
    expect(serverIndex).toContain('Crocus flower in March');

    const third = await output({ ...pages, '/crocus/': html('Crocus', 'Crocus flower in February.') });
    const changed = await buildSearch({ pages: third.facts, outDir: third.outDir, serverDir: third.serverDir, cacheDir });
    expect(changed.reused).toBeUndefined();
    expect(await readFile(path.join(third.serverDir, SEARCH_INDEX_FILE), 'utf8')).toContain('Crocus flower in February');
    // Only the latest build's indexes are kept.
    expect(await readdir(path.join(cacheDir, 'search'))).toHaveLength(1);
  });
});
