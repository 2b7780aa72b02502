// Shared by the form and order benchmarks: a server in its own process, and a Postgres admin call.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
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

/**
 * Seconds each load runs: `BENCH_SECONDS` for every load benchmark (the issue's goals are for
 * `BENCH_SECONDS=30`), else the benchmark's own default.
 */
export function benchSeconds(fallback) {
  const seconds = Number(process.env.BENCH_SECONDS ?? fallback);
  if (!(seconds > 0)) throw new Error(`BENCH_SECONDS must be a number of seconds, got ${process.env.BENCH_SECONDS}`);
  return seconds;
}

/**
 * Starts `form-server-runner.mjs` (`rapport` or `baseline`); resolves with the child and its URL.
 * BENCH_NODE_ARGS: flags for the server (`--cpu-prof --cpu-prof-dir=…` to see where its time goes).
 */
export async function startBenchServer(mode, options) {
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(import.meta.dirname, 'form-server-runner.mjs')], {
    env: { ...process.env, BENCH_SERVER: JSON.stringify({ mode, ...options }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  // The first line is {"url"}; a child that dies first (a failed migration) fails the run instead of hanging it.
  const line = await Promise.race([
    once(lines, 'line').then(([l]) => l),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`the ${mode} server exited with code ${code} before listening`))),
  ]);
  // The last line, written as it stops, is {"maxRssKb"}: its peak resident memory.
  child.report = new Promise((resolve) => {
    let last;
    lines.on('line', (l) => (last = l));
    lines.on('close', () => resolve(last ? JSON.parse(last) : {}));
  });
  return { child, url: JSON.parse(line).url };
}

/** Stops a server started above; resolves with its peak resident memory in MB (over warm-up and run). */
export async function stopBenchServer(child) {
  child.kill('SIGTERM');
  const [report] = await Promise.all([child.report, once(child, 'exit')]);
  return { peakRssMb: report?.maxRssKb ? Math.round(report.maxRssKb / 1024) : undefined };
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
 * A pause between a warm-up and the measured load: the warm-up's connections still waiting to be
 * accepted when it ended (closed by then) are cleared away first, so the run starts from a quiet server.
 */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 1_000));

/**
 * What else the machine did during a run, for the report: the 1-minute load average at the start
 * and the end (on 2 cores, more than 2 means other work competed), and `BENCH_NOTE` if given.
 */
export function machineNote(loadAtStart) {
  const load = (n) => n.toFixed(1);
  const note = process.env.BENCH_NOTE ? ` ${process.env.BENCH_NOTE.trim()}` : '';
  return `Load average (1 min) ${load(loadAtStart)} at the start and ${load(os.loadavg()[0])} at the end, on ${os.cpus().length} cores.${note}`;
}

/** autocannon gives up on a request after this many seconds (its default), and counts a timeout. */
export const TIMEOUT_SECONDS = 10;

/**
 * 100 connections posting a form for `seconds`, as its page would (same origin, a time trap shown
 * 5 s before); `fields(run, i)` gives the i-th post's fields (unique per run). Counts answers by
 * status; latency percentiles are of the answered posts, and a post not answered within
 * `TIMEOUT_SECONDS` is a timeout (autocannon then drops its connection and opens a new one).
 * `onAnswer(status, fields)` hears each answer with the fields of the post it answers.
 */
export async function postLoad(url, { path: formPath, seconds, secret, fields, onAnswer }) {
  let n = 0;
  const run = `${process.pid}-${Date.now()}`;
  const shown = issueTimeTrap(secret, new Date(Date.now() - 5_000));
  const statuses = {};
  const result = await autocannon({
    url: `${url}${formPath}`,
    connections: 100,
    duration: seconds,
    timeout: TIMEOUT_SECONDS,
    requests: [
      {
        method: 'POST',
        // One request at a time per connection, so the connection's context holds what it sent.
        setupRequest: (req, context) => {
          context.sent = fields(run, n++);
          return {
            ...req,
            headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
            body: new URLSearchParams({ shown, ...context.sent }).toString(),
          };
        },
        onResponse: (status, _body, context) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
          onAnswer?.(status, context.sent);
        },
      },
    ],
  });
  const { latency } = result;
  return {
    rps: result.requests.average,
    p50: latency.p50,
    p99: latency.p99,
    p99_9: latency.p99_9,
    max: latency.max,
    statuses,
    timeouts: result.timeouts,
    // autocannon counts a timeout as an error too; these are the others (refused or reset connections).
    errors: result.errors - result.timeouts,
  };
}

/** `p50 / p99 / p99.9` of a load, in ms. */
export const percentiles = (r) => `${r.p50} / ${r.p99} / ${r.p99_9} ms`;

/** A load's answers by status, then its timeouts and other errors. */
export const answers = (r) =>
  `${Object.entries(r.statuses)
    .map(([s, n]) => `${n}×${s}`)
    .join(', ')}; ${r.timeouts} timeouts${r.errors ? `, ${r.errors} errors` : ''}`;

/** `met` or `not met`, with what was measured. */
export const goal = (ok) => (ok ? 'met' : '**not met**');
