import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrateToLatest } from '../../integrations/rapport/core/store/migrate.ts';
import type { ServeOptions } from '../../integrations/rapport/server/serve.ts';
import { formClient } from '../helpers/form-client.ts';
import { drivers } from '../helpers/store-drivers.ts';

const SECRET = 'crash-test-secret-0123456789-0123456789';

/** Starts the server in a child process; resolves with its URL and the process. */
async function spawnServer(options: ServeOptions): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, '../helpers/serve-child.ts')], {
    env: { ...process.env, RAPPORT_TEST_SERVER: JSON.stringify(options) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  return { child, url: (JSON.parse(line) as { url: string }).url };
}

describe.each(drivers)('a server killed during a burst of sign-ups, on $name', (driver) => {
  beforeAll(() => driver.setup());
  afterAll(() => driver.teardown());

  it('has every sign-up that got its 303 after a restart', async () => {
    const options: ServeOptions = {
      distDir: inject('referenceBuild'),
      port: 0,
      host: '127.0.0.1',
      store: driver.options(),
      secret: SECRET,
      rateLimits: { perIp: { points: 100_000, duration: 600 } },
    };
    const { child, url } = await spawnServer(options);
    const client = formClient(url, SECRET);
    const acknowledged: string[] = [];
    let killed = false;
    const exited = once(child, 'exit');
    // Twenty clients post continuously; the server is killed once 80 sign-ups were acknowledged.
    const clients = Array.from({ length: 20 }, async (_, c) => {
      for (let i = 0; !killed; i++) {
        const email = `crash.${c}.${i}@example.com`;
        try {
          const answer = await client.post('/subscribe', { email, lists: 'news' });
          if (answer.status === 303) acknowledged.push(email);
        } catch {
          // The connection died with the server; this one was never acknowledged.
        }
        if (acknowledged.length >= 80 && !killed) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    await Promise.all(clients);
    await exited;
    expect(acknowledged.length).toBeGreaterThanOrEqual(80);

    // Restart on the same store: it opens, migrates (nothing to do) and serves.
    const again = await spawnServer(options);
    try {
      expect((await formClient(again.url, SECRET).get('/subscribe')).status).toBe(200);
    } finally {
      again.child.kill('SIGTERM');
      await once(again.child, 'exit');
    }
    const store = driver.open();
    try {
      expect(await migrateToLatest(store)).toEqual([]);
      const stored = new Set((await store.db.selectFrom('contacts').select('email').execute()).map((r) => r.email));
      const mailed = new Set((await store.db.selectFrom('mail_outbox').select('to_address').execute()).map((r) => r.to_address));
      expect(acknowledged.filter((e) => !stored.has(e))).toEqual([]);
      expect(acknowledged.filter((e) => !mailed.has(e))).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
