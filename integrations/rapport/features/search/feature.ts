import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RapportFeature } from '../../core/feature.ts';
import { kb } from '../../site/build/weight-report.ts';
import { buildSearch } from './build-search.ts';
import { SEARCH_INDEX_FILE, SEARCH_INDEX_VERSION, SiteSearch, type SearchIndexFile } from './site-search.ts';

/** Site search: Pagefind in the browser, and `/search?q=` rendered by the server (lunr) when there is one. */
export const searchFeature: RapportFeature = {
  id: 'search',
  enabled: ({ config }) => config.features.search,
  // In each locale (`/search`, `/fr/search`): the path says which language's pages to search.
  routes: ({ server }) =>
    server ? [{ pattern: '/search', entrypoint: fileURLToPath(new URL('./routes/search.astro', import.meta.url)), private: true, localized: true }] : [],
  async afterBuild({ pages, outDir, serverDir, cacheDir, logger }) {
    const started = performance.now();
    const search = await buildSearch({ pages, outDir, serverDir, cacheDir });
    logger.info(
      `Search: ${search.records} pages indexed${search.reused ? ', unchanged since the last build' : ''} (${Math.round(performance.now() - started)} ms); Pagefind ${kb(search.pagefindBytes)} in /pagefind/${serverDir ? `, server index ${kb(search.serverIndexBytes)}` : ' (no server: /search?q= needs an adapter)'}`,
    );
  },
  runtime: async () => ({
    load(buildDir, s) {
      const file = path.join(buildDir, 'server', SEARCH_INDEX_FILE);
      const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SearchIndexFile) : undefined;
      // An index from an older build is read by other pipelines: /search says it has none until the next build.
      s.search = saved?.version === SEARCH_INDEX_VERSION ? new SiteSearch(saved) : undefined;
    },
  }),
};
