// Sign-up POSTs per second: Rapport's /subscribe against a bare node:http handler doing the same
// transaction, on SQLite (WAL, synchronous=FULL) and PostgreSQL. `npm run bench:forms`.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../integrations/rapport/core/store/open-store.ts';
import { distDir, ensureReferenceBuild, pgAdmin as pgAdminAt, postLoad, startBenchServer, stopBenchServer } from './bench-servers.mjs';
import { writeRaw, writeSection } from './report.mjs';

const SECRET = 'bench-secret-0123456789-0123456789-abcdef';
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

await ensureReferenceBuild();

const load = (url, seconds) =>
  postLoad(url, { path: '/subscribe', seconds, secret: SECRET, fields: (run, i) => ({ email: `bench.${run}.${i}@example.com`, lists: 'news' }) });

async function measure(mode, store, seconds) {
  const { child, url } = await startBenchServer(mode, { distDir, store, secret: SECRET });
  try {
    await load(url, 2); // warm-up
    return await load(url, seconds);
  } finally {
    await stopBenchServer(child);
  }
}

async function countContacts(storeOptions) {
  const store = openStore(storeOptions);
  try {
    return Number(
      (
        await store.db
          .selectFrom('contacts')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  } finally {
    await store.close();
  }
}

const pgAdmin = (statement) => pgAdminAt(DATABASE_URL, statement);

const rows = [];
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rapport-form-bench-'));
try {
  for (const kind of ['sqlite', 'postgres']) {
    const fresh = async (name) => {
      if (kind === 'sqlite') return { sqliteFile: path.join(tmp, `${name}.sqlite`) };
      const schema = `bench_${name}_${Date.now()}`;
      await pgAdmin(`create schema ${schema}`);
      return { databaseUrl: DATABASE_URL, schema };
    };
    const rapportStore = await fresh('rapport');
    const baselineStore = await fresh('baseline');
    try {
      await runStore(kind, rapportStore, baselineStore);
    } catch (error) {
      console.error(`${kind}: the benchmark failed: ${error.message}`);
      rows.push({ store: kind, failed: error.message.split('\n')[0] });
    } finally {
      if (kind === 'postgres') for (const s of [rapportStore, baselineStore]) await pgAdmin(`drop schema if exists ${s.schema} cascade`);
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

async function runStore(kind, rapportStore, baselineStore) {
  const rapport = await measure('rapport', rapportStore, DURATION);
  const baseline = await measure('baseline', baselineStore, DURATION);
  const stored = await countContacts(rapportStore);
  const accepted = rapport.statuses[303] ?? 0;
  rows.push({ store: kind, rapport, baseline, ratio: rapport.rps / baseline.rps, stored });
  console.log(
    `${kind}: Rapport ${rapport.rps.toFixed(0)}/s (p99 ${rapport.p99} ms, ${JSON.stringify(rapport.statuses)}, errors ${rapport.errors}); baseline ${baseline.rps.toFixed(0)}/s; ratio ${(rapport.rps / baseline.rps).toFixed(2)}×; contacts stored ${stored} (measured-run 303s ${accepted}, plus warm-up)`,
  );
}

const table = rows
  .map((r) =>
    r.failed
      ? `| ${r.store} | – | – | – | – | failed: ${r.failed} |`
      : `| ${r.store} | ${r.rapport.rps.toFixed(0)} | ${r.baseline.rps.toFixed(0)} | ${r.ratio.toFixed(2)}× ${r.ratio >= 0.5 ? '(goal ≥ 0.5× met)' : '(goal ≥ 0.5× not met)'} | ${r.rapport.p99} ms ${r.rapport.p99 < 50 ? '(goal < 50 ms met)' : '(goal < 50 ms not met)'} | ${Object.entries(
          r.rapport.statuses,
        )
          .map(([s, n]) => `${n}×${s}`)
          .join(', ')}; ${r.rapport.errors} errors |`,
  )
  .join('\n');
const section = `## Form throughput

${new Date().toISOString().slice(0, 10)}, this machine (2 cores), \`npm run bench:forms\`: autocannon, 100 connections, ${DURATION} s after a 2 s warm-up,
POST \`/subscribe\` with a new address each time. Rapport = \`startServer\` (validation, spam traps, per-IP and per-address
limits in the store, the sign-up transaction with its confirmation mail in the outbox; rate limits raised so nothing is refused).
Baseline = bare \`node:http\` doing the same transaction (contact, pending subscription, token, outbox mail) and a 303.
Server and load generator run in separate processes. Latency at 100 clients is mostly queueing: SQLite has one
writer, so each post waits for the commits (one fsync each) ahead of it; by Little's law p99 ≥ 100 / throughput.
Rapport commits twice per sign-up (the per-IP counter, then the sign-up with its per-address counter), the baseline once.

| Store | Rapport req/s | Baseline req/s | Ratio | Rapport p99 | Rapport answers |
|---|---|---|---|---|---|
${table}
`;
writeSection('Form throughput', section);
writeRaw('forms', { seconds: DURATION, rows });
console.log(section);
