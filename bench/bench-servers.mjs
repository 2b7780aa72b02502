// Shared by the form and order benchmarks: a server in its own process, and a Postgres admin call.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import pg from 'pg';
import { issueTimeTrap } from '../integrations/rapport/core/security/spam-traps.ts';

const root = path.resolve(import.meta.dirname, '..');
/** The reference site's build the servers serve. */
export const distDir = path.join(root, 'dist');

/** Builds the reference site unless a build with everything the servers read (the catalogue last) is there. */
export async function ensureReferenceBuild() {
  if (existsSync(path.join(distDir, 'server', 'catalog.json'))) return;
  const build = spawn(process.execPath, [path.join(root, 'node_modules/astro/bin/astro.mjs'), 'build'], { cwd: root, stdio: 'inherit' });
  const [code] = await once(build, 'exit');
  if (code !== 0) process.exit(code);
}

/** Starts `form-server-runner.mjs` (`rapport` or `baseline`); resolves with the child and its URL. */
export async function startBenchServer(mode, options) {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'form-server-runner.mjs')], {
    env: { ...process.env, BENCH_SERVER: JSON.stringify({ mode, ...options }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The first line is {"url"}; a child that dies first (a failed migration) fails the run instead of hanging it.
  const line = await Promise.race([
    once(createInterface({ input: child.stdout }), 'line').then(([l]) => l),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`the ${mode} server exited with code ${code} before listening`))),
  ]);
  return { child, url: JSON.parse(line).url };
}

/** Stops a server started above. */
export async function stopBenchServer(child) {
  child.kill('SIGTERM');
  await once(child, 'exit');
}

/** One statement on Postgres as its own connection (schemas for each run). */
export async function pgAdmin(databaseUrl, statement) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * 100 connections posting a form for `seconds`, as its page would (same origin, a time trap shown
 * 5 s before); `fields(run, i)` gives the i-th post's fields (unique per run). Counts answers by status.
 */
export async function postLoad(url, { path: formPath, seconds, secret, fields }) {
  let n = 0;
  const run = `${process.pid}-${Date.now()}`;
  const shown = issueTimeTrap(secret, new Date(Date.now() - 5_000));
  const statuses = {};
  const result = await autocannon({
    url: `${url}${formPath}`,
    connections: 100,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => ({
          ...req,
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
          body: new URLSearchParams({ shown, ...fields(run, n++) }).toString(),
        }),
        onResponse: (status) => (statuses[status] = (statuses[status] ?? 0) + 1),
      },
    ],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, statuses, errors: result.errors + result.timeouts };
}
