// Orders placed per second: POST /order (three products, priced, taxed, one transaction with two
// mails in the outbox) against Rapport's server, on SQLite and PostgreSQL. `npm run bench:orders`.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { distDir, ensureReferenceBuild, pgAdmin as pgAdminAt, postLoad, startBenchServer, stopBenchServer } from './bench-servers.mjs';
import { writeRaw, writeSection } from './report.mjs';

const SECRET = 'bench-secret-0123456789-0123456789-abcdef';
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

await ensureReferenceBuild();

const load = (url, seconds) =>
  postLoad(url, {
    path: '/order',
    seconds,
    secret: SECRET,
    fields: (run, i) => ({
      'qty_TUL-QON-10': '3',
      'qty_LIL-MAR-3': '1',
      'qty_ALL-GIG-3': '2',
      name: 'Bench Buyer',
      email: `order.${run}.${i}@example.com`,
      street: '12 Main St',
      city: 'Vancouver',
      region: 'CA-BC',
      postal: 'V5K 0A1',
      country: 'CA',
      shipping: 'standard',
      payment: 'invoice',
      order_key: `bench-${run}-${i}`.padEnd(24, 'x'),
      step: 'place',
    }),
  });

const pgAdmin = (statement) => pgAdminAt(DATABASE_URL, statement);

const rows = [];
const tmp = mkdtempSync(path.join(os.tmpdir(), 'rapport-order-bench-'));
try {
  for (const kind of ['sqlite', 'postgres']) {
    const schema = `bench_orders_${Date.now()}`;
    const store = kind === 'sqlite' ? { sqliteFile: path.join(tmp, 'orders.sqlite') } : { databaseUrl: DATABASE_URL, schema };
    if (kind === 'postgres') await pgAdmin(`create schema ${schema}`);
    const { child, url } = await startBenchServer('rapport', { distDir, store, secret: SECRET });
    try {
      await load(url, 2); // warm-up
      const r = await load(url, DURATION);
      rows.push({ store: kind, ...r });
      console.log(`${kind}: ${r.rps.toFixed(0)} orders/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${JSON.stringify(r.statuses)}, errors ${r.errors}`);
    } catch (error) {
      rows.push({ store: kind, failed: error.message.split('\n')[0] });
    } finally {
      await stopBenchServer(child);
      if (kind === 'postgres') await pgAdmin(`drop schema if exists ${schema} cascade`);
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const table = rows
  .map((r) =>
    r.failed
      ? `| ${r.store} | failed: ${r.failed} | | | |`
      : `| ${r.store} | ${r.rps.toFixed(0)} | ${r.p50} ms | ${r.p99} ms | ${Object.entries(r.statuses)
          .map(([s, c]) => `${c}×${s}`)
          .join(', ')}; ${r.errors} errors |`,
  )
  .join('\n');
const section = `## Order throughput

${new Date().toISOString().slice(0, 10)}, this machine (2 cores), \`npm run bench:orders\`: autocannon, 100 connections, ${DURATION} s after a 2 s warm-up,
POST \`/order\` (three products to British Columbia: priced from the catalogue, GST + PST, the order, its lines, its first
event, the contact, an activity and two mails in one transaction; a new form key and address each time).

| Store | Orders/s | p50 | p99 | Answers |
|---|---|---|---|---|
${table}
`;
writeSection('Order throughput', section);
writeRaw('orders', { seconds: DURATION, rows });
console.log(section);
