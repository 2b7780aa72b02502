// `npm run bench:search`: the bytes a visitor downloads for one search, in Chromium, on the
// reference site and on a generated 5,000-page site. Nothing may load before the search box is
// focused; then Pagefind fetches its script, WASM, index chunks and the result fragments.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';
import sirv from 'sirv';
import { makeSite, rapportFiles, work } from './bench-site.mjs';
import { writeRaw, writeSection } from './report.mjs';

const repo = path.resolve(import.meta.dirname, '..');
const astroBin = path.join(repo, 'node_modules', 'astro', 'bin', 'astro.mjs');
const PAGES = Number(process.env.BENCH_SEARCH_PAGES ?? 5000);

function build(dir) {
  const result = spawnSync(process.execPath, [astroBin, 'build'], { cwd: dir, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** The built client folder of each site, building what is missing. */
function sites() {
  if (!existsSync(path.join(repo, 'dist', 'client', 'pagefind'))) build(repo);
  const generated = path.join(work, `rapport-${PAGES}`);
  if (!existsSync(path.join(generated, 'dist', 'pagefind'))) build(makeSite(`rapport-${PAGES}`, rapportFiles, PAGES));
  return [
    { name: 'reference site', pages: null, dir: path.join(repo, 'dist', 'client'), queries: ['deer', 'planting depth', 'shipping to the us'] },
    { name: `generated site, ${PAGES} pages`, pages: PAGES, dir: path.join(generated, 'dist'), queries: ['deer', 'bench bulb 4321', 'planting depth'] },
  ];
}

async function serve(dir) {
  const statics = sirv(dir, { brotli: true, gzip: true, dev: false });
  const server = http.createServer((req, res) => statics(req, res, () => ((res.statusCode = 404), res.end())));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
const rows = [];
for (const site of sites()) {
  const { server, base } = await serve(site.dir);
  for (const query of site.queries) {
    // A new context per query: nothing cached from the previous search.
    const context = await browser.newContext();
    const tab = await context.newPage();
    const files = [];
    tab.on('requestfinished', (request) => {
      const { pathname } = new URL(request.url());
      if (pathname.startsWith('/pagefind/')) files.push(request.sizes().then((s) => ({ pathname, bytes: s.responseBodySize + s.responseHeadersSize })));
    });
    await tab.goto(`${base}/`);
    await tab.waitForLoadState('networkidle');
    const beforeFocus = files.length;
    await tab.focus('#site-search');
    await tab.keyboard.type(query, { delay: 30 });
    await tab.waitForSelector('header .search-live:not([hidden])');
    await tab.waitForLoadState('networkidle');
    const fetched = await Promise.all(files);
    const results = await tab.$$eval('header .search-live li', (li) => li.length);
    const kb = (n) => (n / 1000).toFixed(1);
    const sum = (filter) => fetched.filter(filter).reduce((s, f) => s + f.bytes, 0);
    const row = {
      site: site.name,
      query,
      results,
      beforeFocus,
      files: fetched.length,
      total: kb(sum(() => true)),
      code: kb(sum((f) => /\.(js|pagefind)$/.test(f.pathname))),
      index: kb(sum((f) => /\.pf_(meta|index|filter)$|\.json$/.test(f.pathname))),
      fragments: kb(sum((f) => f.pathname.endsWith('.pf_fragment'))),
    };
    console.log(JSON.stringify(row));
    rows.push(row);
    await context.close();
  }
  server.close();
}
await browser.close();
writeRaw('search', { rows });

writeSection(
  'Search bytes',
  `## Search bytes

${new Date().toISOString().slice(0, 10)}, \`npm run bench:search\`: Chromium (Debian) through playwright-core, a fresh browser context per query
(nothing cached), each site's files served precompressed (Brotli) by sirv. The visitor opens the home page, focuses the
search box and types the query; bytes are Pagefind's requests as transferred (bodies and headers). Nothing is fetched
before the focus. Code = pagefind.js, its worker and WASM; index = entry, meta and index chunks; fragments = the shown results.

| Site | Query | Results shown | Fetched before focus | Files | Total KB | Code KB | Index KB | Fragments KB |
|---|---|---|---|---|---|---|---|---|
${rows.map((r) => `| ${r.site} | ${r.query} | ${r.results} | ${r.beforeFocus} | ${r.files} | ${r.total} | ${r.code} | ${r.index} | ${r.fragments} |`).join('\n')}

Without JavaScript, \`/search?q=\` is answered by the server from a lunr index that never leaves it.
`,
);
