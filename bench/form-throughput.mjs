// Sign-up POSTs per second: Rapport's /subscribe against a bare node:http handler doing the same
// transaction, on SQLite (WAL, synchronous=FULL) and PostgreSQL, measured in the same run.
// `npm run bench:forms`; `BENCH_SECONDS=30` for the goals, `BENCH_STORES=sqlite` for one store,
// `BENCH_TRACE=1` for the servers' own timings (server-trace.mjs).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../integrations/rapport/core/store/open-store.ts';
import {
  answers,
  benchSeconds,
  distDir,
  ensureReferenceBuild,
  goal,
  machineNote,
  percentiles,
  pgAdmin as pgAdminAt,
  postLoad,
  settle,
  startBenchServer,
  stopBenchServer,
  TIMEOUT_SECONDS,
} from './bench-servers.mjs';
import { writeRaw, writeSection } from './report.mjs';

const SECRET = 'bench-secret-0123456789-0123456789-abcdef';
const DURATION = benchSeconds(10);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',');
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

await ensureReferenceBuild();
const loadAtStart = os.loadavg()[0];

const load = (url, seconds) =>
  postLoad(url, { path: '/subscribe', seconds, secret: SECRET, fields: (run, i) => ({ email: `bench.${run}.${i}@example.com`, lists: 'news' }) });

async function measure(mode, store, seconds) {
  const { child, url } = await startBenchServer(mode, { distDir, store, secret: SECRET });
  let result;
  try {
    await load(url, 2); // warm-up
    await settle();
    result = await load(url, seconds);
  } finally {
    const { peakRssMb } = await stopBenchServer(child);
    if (result) result.peakRssMb = peakRssMb;
  }
  return result;
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
  for (const kind of STORES) {
    const fresh = async (name) => {
      if (kind === 'sqlite') return { sqliteFile: path.join(tmp, `${name}.sqlite`) };
      const schema = `bench_${name}_${Date.now()}`;
      await pgAdmin(`create schema ${schema}`);
      return { databaseUrl: DATABASE_URL, schema };
    };
    const rapportStore = await fresh('rapport');
    const baselineStore = await fresh('baseline');
    const baselineAfterStore = await fresh('baseline_after');
    try {
      await runStore(kind, rapportStore, baselineStore, baselineAfterStore);
    } catch (error) {
      console.error(`${kind}: the benchmark failed: ${error.message}`);
      rows.push({ store: kind, failed: error.message.split('\n')[0] });
    } finally {
      if (kind === 'postgres') for (const s of [rapportStore, baselineStore, baselineAfterStore]) await pgAdmin(`drop schema if exists ${s.schema} cascade`);
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

// The baseline runs before and after Rapport, and the ratio is against their mean: on a shared
// machine the load changes within minutes, and this way both sides see the same on average.
async function runStore(kind, rapportStore, baselineStore, baselineAfterStore) {
  const before = await measure('baseline', baselineStore, DURATION);
  const rapport = await measure('rapport', rapportStore, DURATION);
  const after = await measure('baseline', baselineAfterStore, DURATION);
  const baselineRps = (before.rps + after.rps) / 2;
  const stored = await countContacts(rapportStore);
  const accepted = rapport.statuses[303] ?? 0;
  rows.push({ store: kind, rapport, baseline: before, baselineAfter: after, ratio: rapport.rps / baselineRps, stored });
  const line = (r) => `${r.rps.toFixed(0)}/s (${percentiles(r)}, ${answers(r)}, peak ${r.peakRssMb} MB)`;
  console.log(
    `${kind}: Rapport ${line(rapport)}; baseline before ${line(before)}, after ${line(after)}; ratio ${(rapport.rps / baselineRps).toFixed(2)}×; contacts stored ${stored} (measured-run 303s ${accepted}, plus warm-up)`,
  );
}

// The goals (issue 20), for 100 connections over 30 s.
const GOALS = { sqlite: { ratio: 1.0 }, postgres: { ratio: 0.7 }, p99Ms: 250 };

const row = (name, r, extra) => `| ${name} | ${r.rps.toFixed(0)} | ${extra} | ${percentiles(r)} | ${r.max} ms | ${answers(r)} | ${r.peakRssMb ?? '–'} MB |`;
const table = rows
  .flatMap((r) =>
    r.failed
      ? [`| ${r.store} | failed: ${r.failed} | | | | | |`]
      : [
          row(`${r.store}, baseline before`, r.baseline, '–'),
          row(`${r.store}, Rapport`, r.rapport, `**${r.ratio.toFixed(2)}×**`),
          row(`${r.store}, baseline after`, r.baselineAfter, '–'),
        ],
  )
  .join('\n');
const shortRun = DURATION < 30 ? ` (this run: ${DURATION} s, so the goals are not yet shown at 30 s)` : '';
const goals = rows
  .filter((r) => !r.failed)
  .flatMap((r) => {
    const want = GOALS[r.store].ratio;
    return [
      `| ${r.store} | ≥ ${want.toFixed(1)}× the baseline | ${r.ratio.toFixed(2)}× | ${goal(r.ratio >= want)} |`,
      `| ${r.store} | no timeouts | ${r.rapport.timeouts} | ${goal(r.rapport.timeouts === 0)} |`,
      `| ${r.store} | p99 < ${GOALS.p99Ms} ms | ${r.rapport.p99} ms | ${goal(r.rapport.p99 < GOALS.p99Ms)} |`,
    ];
  })
  .join('\n');
const section = `## Form throughput

${new Date().toISOString().slice(0, 10)}, this machine (2 cores), \`npm run bench:forms\`: autocannon, 100 connections, ${DURATION} s after a 2 s warm-up
(\`BENCH_SECONDS\` sets it), POST \`/subscribe\` with a new address each time. Rapport = \`startServer\` (validation, spam traps,
per-IP and per-address limits in the store, the sign-up transaction with its confirmation mail in the outbox; rate limits raised
so nothing is refused). Baseline = bare \`node:http\` doing the same transaction (contact, pending subscription, token, outbox mail)
in one commit per request, and a 303, measured in the same run, before and after Rapport (the ratio is against their mean). Server and load generator run in separate processes.
Latency percentiles are of the answered posts; a timeout is a post not answered within ${TIMEOUT_SECONDS} s (autocannon's limit);
peak RSS is the server's \`maxRSS\` over warm-up and run. Rapport's SQLite store groups the sign-ups that arrive together
into one commit (one fsync); the baseline commits each on its own. ${machineNote(loadAtStart)}

| Server | req/s | vs baseline | p50 / p99 / p99.9 | max | Answers | Peak RSS |
|---|---|---|---|---|---|---|
${table}

Goals (issue 20), 100 connections for 30 s${shortRun}:

| Store | Goal | Measured | |
|---|---|---|---|
${goals}

**Starved requests** (issue 20: p50 under 200 ms, yet posts unanswered after 10 s). They were connections, not posts:
libuv accepts one new connection per turn of the event loop (libuv#3696), and a turn ran one request for every busy
connection (node:sqlite is synchronous: each runs to its answer inside the turn), 0.2 to 0.4 s at 100 connections. A client
that connected then waited in the kernel's accept queue for (connections ahead) × (a turn): measured with \`BENCH_TRACE=1\`
and autocannon's per-connection answers, every post over 1 s was the first on its connection, 22 to 41 of 100 connections got
no answer within 10 s, \`ss\` showed 56 to 163 connections waiting in the listening socket's queue, \`strace\` one
\`accept4\` per 230 ms \`epoll_pwait\` turn; the server itself answered every request it had read within 100 ms, and the
store's connection was never waited on for more than 17 ms (kysely-sqlite's lock woke its waiters in order; no busy
timeout, retry or long hold was seen). Since then the server starts requests in arrival order, as many per turn as fit in
about 10 ms (\`server/request-turns.ts\`), so connections are let in many times a second. The bare baseline server keeps
Node's behaviour: its p99.9 was 1.3 to 9.8 s in the 10 s runs of the same day. Between warm-up and run the benchmark now
waits 1 s, so the warm-up's connections left in the accept queue do not count against the run.

**Where the time goes** (\`BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=…"\` and \`BENCH_TRACE=1\`, 10 s runs on 2026-11-30): every
server here is CPU-bound. On PostgreSQL each statement is what costs, a round trip over loopback TCP whose \`writev\` is 28 to
31 % of the CPU of Rapport's server and of the baseline's alike, so the ratio follows the statements per sign-up. They were
14.6 against the baseline's 6.1: the per-IP count was a transaction of its own (begin, \`set local synchronous_commit\`,
upsert, commit) and the lists a select plus an upsert each. Now the per-IP counts taken in one turn of the event loop are one
statement (\`core/security/rate-limit.ts\`, on connections whose commits do not wait for the WAL flush) and the lists one
upsert: 8.6 statements per sign-up. Rapport on PostgreSQL went from 380/s (0.47×, p99 366 ms) to 715/s (0.59×, p99 210 ms) in
the 30 s runs; on SQLite the same change took it from 841/s to 1,928/s (1.84×). What still separates Rapport from the baseline
on PostgreSQL is the two per-address limits inside the sign-up's transaction (one confirmation mail per address per ten
minutes, three mails per day to an address that has confirmed nothing), which the baseline does not enforce: two of the 2.5
round trips it sends beyond the baseline's. Joining them would change what they mean (the second counts only when the first lets a mail through) and dropping
them would let the form mail-bomb an address, so the 0.7× goal is missed here by design; the rest of the profile (\`writev\`
28 %, Kysely 9 %, 14 % idle waiting for PostgreSQL, which shares the two cores) has nothing else of that size. On SQLite, the
group commit's COMMIT with its fsync is 11 % of the server's CPU, Zod 12 %, Kysely 12 %. A p99 under 250 ms at 100 connections
needs well over 400 answers/s (Little's law: the mean wait is 100 ÷ throughput).
`;
writeSection('Form throughput', section);
writeRaw('forms', { seconds: DURATION, rows });
console.log(section);
