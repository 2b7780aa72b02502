// A page for visitors while an attacker floods a form with made-up field names (issue 13: 24 posts
// of 6,000 names made GET /faq/ take 8.9 s). Baseline: the same page with nobody attacking, in the
// same run. `npm run bench:hostile`.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { issueTimeTrap } from '../integrations/rapport/core/security/spam-traps.ts';
import { benchSeconds, distDir, ensureReferenceBuild, startBenchServer, stopBenchServer } from './bench-servers.mjs';
import { writeRaw, writeSection } from './report.mjs';

const SECRET = 'bench-secret-0123456789-0123456789-abcdef';
const SECONDS = benchSeconds(8);
// With a valid time-trap value, as an attacker copies it from the form's page, so the post gets past the traps.
const FLOOD = `shown=${issueTimeTrap(SECRET, new Date(Date.now() - 5_000))}&${Array.from({ length: 6_000 }, (_, i) => `f${i}=1`).join('&')}`;

await ensureReferenceBuild();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rapport-hostile-bench-'));
const { child, url } = await startBenchServer('rapport', { distDir, store: { sqliteFile: path.join(tmp, 'crm.sqlite') }, secret: SECRET });

const reader = () => autocannon({ url: `${url}/faq/`, connections: 1, duration: SECONDS });
const flood = () => {
  const statuses = {};
  return autocannon({
    url: `${url}/subscribe`,
    connections: 24,
    duration: SECONDS,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
    body: FLOOD,
    requests: [{ onResponse: (status) => (statuses[status] = (statuses[status] ?? 0) + 1) }],
  }).then((r) => ({ rps: r.requests.average, p99: r.latency.p99, statuses, errors: r.errors + r.timeouts }));
};

let baseline, attacked, attack;
try {
  await autocannon({ url: `${url}/faq/`, connections: 1, duration: 2 }); // warm-up
  baseline = await reader();
  [attacked, attack] = await Promise.all([reader(), flood()]);
} finally {
  await stopBenchServer(child);
  rmSync(tmp, { recursive: true, force: true });
}

const fig = (r) => ({ answered: r.requests.total, timeouts: r.timeouts, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max });
// autocannon reports 0 ms when nothing was answered: say so instead.
const ms = (r, v) => (r.answered === 0 ? 'none answered' : `${v} ms`);
const b = fig(baseline);
const a = fig(attacked);
const section = `## A page under a form flood

${new Date().toISOString().slice(0, 10)}, this machine (2 cores), \`npm run bench:hostile\`: autocannon, one visitor reading \`/faq/\`
for ${SECONDS} s alone (baseline), then for ${SECONDS} s while 24 connections post 6,000 made-up field names (${(FLOOD.length / 1024).toFixed(0)} KB, with a
valid time-trap value) to \`/subscribe\` as fast as they are answered. Server and load generator in separate processes, SQLite.

| | req/s | p50 | p99 | max |
|---|---|---|---|---|
| \`/faq/\` alone | ${b.rps.toFixed(0)} | ${ms(b, b.p50)} | ${ms(b, b.p99)} | ${ms(b, b.max)} |
| \`/faq/\` under the flood | ${a.rps.toFixed(0)} | ${ms(a, a.p50)} | ${ms(a, a.p99)} | ${ms(a, a.max)} |
| ratio (flood ÷ alone) | ${(a.rps / b.rps).toFixed(2)}× | | ${a.answered === 0 ? '–' : `${(a.p99 / Math.max(b.p99, 1)).toFixed(1)}×`} | |

The flood: ${attack.rps.toFixed(0)} posts/s answered ${Object.entries(attack.statuses)
  .map(([s, n]) => `${n}×${s}`)
  .join(', ')}, p99 ${attack.p99} ms, ${attack.errors} errors.
`;
writeSection('A page under a form flood', section);
writeRaw('hostile', { seconds: SECONDS, baseline: b, attacked: a, attack });
console.log(section);
