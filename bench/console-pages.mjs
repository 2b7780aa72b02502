// The staff console on a big shop's store (issue 16): 100,000 contacts, 50,000 orders and
// 500,000 timeline entries, on SQLite and on PostgreSQL. autocannon opens each page for a few
// seconds with two connections (two staff members); the baseline, measured in the same run, is
// a console page that reads almost nothing (the audit log, empty), so the ratio is the cost of
// the page's own queries. `npm run bench:console`.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { createSession, SESSION_COOKIE } from '../integrations/rapport/core/security/sessions.ts';
import { migrateToLatest } from '../integrations/rapport/core/store/migrate.ts';
import { openStore } from '../integrations/rapport/core/store/open-store.ts';
import { benchSeconds, distDir, ensureReferenceBuild, pgAdmin, startBenchServer, stopBenchServer } from './bench-servers.mjs';
import { writeRaw, writeSection } from './report.mjs';
import { seedCrm } from './seed-crm.mjs';

const SECRET = 'bench-secret-0123456789-0123456789-abcdef';
const SECONDS = benchSeconds(5);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SIZES = {
  contacts: Number(process.env.BENCH_CONTACTS ?? 100_000),
  orders: Number(process.env.BENCH_ORDERS ?? 50_000),
  activities: Number(process.env.BENCH_ACTIVITIES ?? 500_000),
};

// A build from before the console has no console pages: build again then.
const hasConsole = () => {
  try {
    return readdirSync(path.join(distDir, 'server'), { recursive: true }).some((f) => path.basename(String(f)).startsWith('ConsoleLayout'));
  } catch {
    return false;
  }
};
if (!hasConsole()) rmSync(path.join(distDir, 'server', 'catalog.json'), { force: true });
await ensureReferenceBuild();

async function measure(url, cookie, page) {
  const headers = { cookie, 'accept-encoding': 'gzip' };
  // The first view: segments read the orders then and share the read for a minute, so it is the cold figure.
  const t = performance.now();
  const once = await fetch(url + page, { headers: { cookie } });
  const body = await once.text();
  const firstMs = Math.round(performance.now() - t);
  if (once.status !== 200) throw new Error(`${page} answered ${once.status}: ${body.slice(0, 300)}`);
  const result = await autocannon({ url: url + page, connections: 2, duration: SECONDS, headers });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${page}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return {
    page,
    firstMs,
    rps: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p97_5: result.latency.p97_5,
    p99: result.latency.p99,
    gzipBytes: gzipSync(body).length,
  };
}

const results = {};
for (const kind of ['sqlite', 'postgres']) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'rapport-console-bench-'));
  const schema = `bench_console_${Date.now()}`;
  const storeOptions = kind === 'sqlite' ? { sqliteFile: path.join(tmp, 'crm.sqlite') } : { databaseUrl: DATABASE_URL, schema };
  if (kind === 'postgres') await pgAdmin(DATABASE_URL, `create schema ${schema}`);
  let child;
  try {
    const store = openStore(storeOptions);
    await migrateToLatest(store);
    const started = performance.now();
    const seeded = await seedCrm(store.db, SIZES);
    const seedSeconds = (performance.now() - started) / 1000;
    const admin = 'c-bench-admin';
    await store.db
      .insertInto('contacts')
      .values({
        id: admin,
        email: 'owner@example.com',
        name: 'Owner',
        organisation: null,
        kind: 'partner',
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      })
      .execute();
    await store.db.insertInto('accounts').values({ id: 'acc-bench-admin', contact_id: admin, role: 'admin', created_at: new Date().toISOString() }).execute();
    const cookie = `${SESSION_COOKIE}=${await createSession(store.db, 'acc-bench-admin')}`;
    // Fresh tables: let PostgreSQL's planner see what is in them, as autovacuum would soon after.
    if (kind === 'postgres') await sql`analyze`.execute(store.db);
    await store.close();
    const server = await startBenchServer('rapport', { distDir, store: storeOptions, secret: SECRET });
    child = server.child;
    const url = server.url;
    const pages = [
      '/admin/crm/audit',
      `/admin/crm/contacts/?q=${seeded.someName}`,
      '/admin/crm/contacts/?kind=supplier&sort=name',
      `/admin/crm/contacts/${seeded.busyContact}`,
      '/admin/crm/orders/',
      '/admin/crm/orders/?status=delivered&page=20',
      '/admin/crm/segments',
      '/admin/crm/segments/lapsed',
      '/admin/crm/messages/',
      '/admin/crm/mail?status=sent',
      '/admin/crm/',
    ];
    results[kind] = { seedSeconds, pages: [] };
    for (const page of pages) results[kind].pages.push(await measure(url, cookie, page));
  } finally {
    if (child) await stopBenchServer(child);
    rmSync(tmp, { recursive: true, force: true });
    if (kind === 'postgres') await pgAdmin(DATABASE_URL, `drop schema if exists ${schema} cascade`);
  }
}

const row = (kind, r, base) =>
  `| ${kind} | \`${r.page}\` | ${r.firstMs} | ${r.p50} | ${r.p90} | ${r.p97_5} | ${r.rps.toFixed(0)} | ${(r.p97_5 / Math.max(base.p97_5, 1)).toFixed(1)}× | ${(r.gzipBytes / 1024).toFixed(1)} |`;
const section = `## The staff console on a big store

${new Date().toISOString().slice(0, 10)}, this machine (2 cores), \`npm run bench:console\`: ${SIZES.contacts.toLocaleString('en')} contacts, ${SIZES.orders.toLocaleString('en')} orders
and ${SIZES.activities.toLocaleString('en')} timeline entries seeded (SQLite ${results.sqlite.seedSeconds.toFixed(0)} s, PostgreSQL ${results.postgres.seedSeconds.toFixed(0)} s); autocannon,
2 connections for ${SECONDS} s per page, signed in as an admin. Goal: p95 under 200 ms (p97.5 is shown, which is stricter), each page
under 30 KB compressed. Ratio: p97.5 against the audit-log page on the same store (an almost empty page: session check, Astro, layout).
"First view" is one request before the run: the segment pages read the orders then and share that read for a minute
(the Today page's lapsed figure too), so it is their cost when nobody opened them in the last minute.

| store | page | first view ms | p50 ms | p90 ms | p97.5 ms | req/s | p97.5 ÷ baseline | gzip KB |
|---|---|---|---|---|---|---|---|---|
${['sqlite', 'postgres'].flatMap((kind) => results[kind].pages.map((r) => row(kind, r, results[kind].pages[0]))).join('\n')}
`;
writeSection('The staff console on a big store', section);
writeRaw('console', { sizes: SIZES, seconds: SECONDS, ...results });
console.log(section);
