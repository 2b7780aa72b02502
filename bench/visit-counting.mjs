// Issue 24: counting page views must never slow a page. Throughput of a static page (`/faq/`) and a
// page rendered per request (`/search?q=tulip`) with visit counting on, against the same server
// with it off (`withoutFeatures: ['visits']`), in the same run; the two servers take turns so
// neither gets the warmer machine. `npm run bench:visits`.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { benchSeconds, distDir, ensureReferenceBuild, startBenchServer, stopBenchServer } from './bench-servers.mjs';
import { writeRaw, writeSection } from './report.mjs';

const SECRET = 'bench-secret-0123456789-0123456789-abcdef';
const SECONDS = benchSeconds(6);
const ROUNDS = 2;
const BROWSER = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36';
const PAGES = ['/faq/', '/search?q=tulip'];

await ensureReferenceBuild();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rapport-visits-bench-'));
const servers = {};
const rps = { on: {}, off: {} };
try {
  for (const mode of ['on', 'off']) {
    servers[mode] = await startBenchServer('rapport', {
      distDir,
      store: { sqliteFile: path.join(tmp, `${mode}.sqlite`) },
      secret: SECRET,
      withoutFeatures: mode === 'off' ? ['visits'] : [],
    });
  }
  const load = (url, duration) => autocannon({ url, connections: 8, duration, headers: { 'user-agent': BROWSER, referer: 'https://www.example.org/' } });
  for (const mode of ['on', 'off']) for (const page of PAGES) await load(`${servers[mode].url}${page}`, 2); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const page of PAGES) {
      for (const mode of round % 2 ? ['off', 'on'] : ['on', 'off']) {
        const r = await load(`${servers[mode].url}${page}`, SECONDS);
        (rps[mode][page] ??= []).push(r.requests.average);
      }
    }
  }
} finally {
  for (const s of Object.values(servers)) await stopBenchServer(s.child);
  rmSync(tmp, { recursive: true, force: true });
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const rows = PAGES.map((page) => ({ page, on: mean(rps.on[page]), off: mean(rps.off[page]) }));
const section = `## Visit counting

${new Date().toISOString().slice(0, 10)}, this machine (2 cores), \`npm run bench:visits\`: autocannon, 8 connections with a phone's
User-Agent and a referrer, ${ROUNDS} rounds of ${SECONDS} s per page and server, the servers taking turns. Both serve the same
build on SQLite in their own process; "off" is started with \`withoutFeatures: ['visits']\`. Issue 24 asks for ≥ 0.95×.

| page | req/s counting off | req/s counting on | on ÷ off |
|---|---|---|---|
${rows.map((r) => `| \`${r.page}\` | ${r.off.toFixed(0)} | ${r.on.toFixed(0)} | ${(r.on / r.off).toFixed(2)}× |`).join('\n')}
`;
writeSection('Visit counting', section);
writeRaw('visits', { seconds: SECONDS, rounds: ROUNDS, rps, rows });
console.log(section);
