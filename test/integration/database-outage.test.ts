import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openStore } from '../../integrations/rapport/core/store/open-store.ts';
import type { ServeOptions } from '../../integrations/rapport/server/serve.ts';
import { formClient } from '../helpers/form-client.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../helpers/throwaway-postgres.ts';

const SECRET = 'outage-test-secret-0123456789-0123456789';
const UNAVAILABLE = 'We could not save this just now';

/** The server in a child process (so the test sees whether the process survives), its stderr kept. */
async function spawnServer(options: ServeOptions) {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, '../helpers/serve-child.ts')], {
    env: { ...process.env, RAPPORT_TEST_SERVER: JSON.stringify(options) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, 'exit').then(() => {
    throw new Error(`The server exited before listening:\n${stderr}`);
  });
  const [line] = (await Promise.race([once(lines, 'line'), exited])) as [string];
  return { child, url: (JSON.parse(line) as { url: string }).url, stderr: () => stderr };
}

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

describe('PostgreSQL stops and starts again under a running server', () => {
  let cluster: ThrowawayPostgres | undefined;
  let server: Awaited<ReturnType<typeof spawnServer>> | undefined;
  let mailDir = '';

  beforeAll(async () => {
    cluster = await startThrowawayPostgres();
    mailDir = await mkdtemp(path.join(os.tmpdir(), 'rapport-outage-mail-'));
  });
  afterAll(async () => {
    if (server && alive(server.child)) {
      server.child.kill('SIGKILL');
      await once(server.child, 'exit');
    }
    await cluster?.destroy();
    if (mailDir) await rm(mailDir, { recursive: true, force: true });
  });

  it('answers 503 while the database is away, keeps serving pages, and stores again once it is back, without a restart', async () => {
    const db = cluster!;
    server = await spawnServer({
      distDir: inject('referenceBuild'),
      port: 0,
      host: '127.0.0.1',
      store: { databaseUrl: db.url },
      secret: SECRET,
      rateLimits: { perIp: { points: 100_000, duration: 600 } },
      // The mail worker polls the outbox throughout, so it meets the outage too.
      mail: { mailDir, intervalMs: 200 },
    });
    const { child } = server;
    const client = formClient(server.url, SECRET);
    const subscribe = (email: string) => client.post('/subscribe', { email, lists: 'news' });
    const stored: string[] = [];
    const refused: string[] = [];

    // Before: stored, and the pool now holds idle connections for the stop to break.
    for (let i = 0; i < 4; i++) {
      const email = `before.${i}@example.com`;
      const answer = await subscribe(email);
      expect(answer.status, answer.text).toBe(303);
      stored.push(email);
    }

    await db.stop();
    // The idle connections' errors, and a few mail-worker rounds, happen while nobody posts.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(alive(child), server.stderr()).toBe(true);
    for (let i = 0; i < 3; i++) {
      const email = `during.${i}@example.com`;
      const started = Date.now();
      const answer = await subscribe(email);
      expect(answer.status, answer.text).toBe(503);
      expect(answer.text).toContain(UNAVAILABLE);
      expect(Date.now() - started).toBeLessThan(6_000);
      refused.push(email);
    }
    const home = await client.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('<html');
    // The load balancer's health check says so, in time, with why: this server should get no traffic.
    const started = Date.now();
    const down = await client.get('/health');
    expect(down.status, down.text).toBe(503);
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(JSON.parse(down.text)).toMatchObject({
      status: 'unavailable',
      store: { dialect: 'postgres', ok: false, reason: expect.stringMatching(/^The store/) },
    });
    expect(alive(child), server.stderr()).toBe(true);

    await db.start();
    const up = await client.get('/health');
    expect(up.status, up.text).toBe(200);
    expect(JSON.parse(up.text)).toMatchObject({ status: 'ok', store: { dialect: 'postgres', ok: true } });
    for (let i = 0; i < 4; i++) {
      const email = `after.${i}@example.com`;
      const answer = await subscribe(email);
      expect(answer.status, `${answer.text}\n${server.stderr()}`).toBe(303);
      stored.push(email);
    }
    expect(alive(child), server.stderr()).toBe(true);

    // The outage is logged once (not once per pooled connection), and its end too.
    const log = server.stderr();
    expect(log.match(/PostgreSQL connection lost/g) ?? [], log).toHaveLength(1);
    expect(log.match(/PostgreSQL connection is back/g) ?? [], log).toHaveLength(1);
    expect(log).not.toMatch(/Unhandled|uncaught/i);

    child.kill('SIGTERM');
    await once(child, 'exit');

    const check = new pg.Client({ connectionString: db.url });
    await check.connect();
    try {
      const { rows } = await check.query<{ email: string }>('select email from contacts');
      const emails = new Set(rows.map((r) => r.email));
      expect(stored.filter((e) => !emails.has(e))).toEqual([]);
      expect(refused.filter((e) => emails.has(e))).toEqual([]);
    } finally {
      await check.end();
    }
  });

  it('a connection held in a transaction when PostgreSQL stops fails that transaction only; the same store works once it is back', async () => {
    const db = cluster!;
    const logged: string[] = [];
    const store = openStore({ databaseUrl: db.url, log: (line) => logged.push(line) });
    try {
      // Warm the pool so an idle connection is broken as well as the one in the transaction.
      await Promise.all([sql`select 1`.execute(store.db), sql`select 1`.execute(store.db)]);
      const transaction = store.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        // Checked out, between two statements, when the server goes.
        await db.stop();
        await sql`select 1`.execute(trx);
      });
      await expect(transaction).rejects.toThrow();
      await expect(sql`select 1`.execute(store.db)).rejects.toThrow();
      expect(logged.filter((l) => l.includes('PostgreSQL connection lost'))).toHaveLength(1);

      await db.start();
      const { rows } = await sql<{ ok: number }>`select 1 as ok`.execute(store.db);
      expect(rows).toEqual([{ ok: 1 }]);
      expect(logged.filter((l) => l.includes('PostgreSQL connection is back'))).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
