import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startServer, serverUrl, type ServeOptions } from '../../integrations/rapport/server/serve.ts';
import { formClient } from './form-client.ts';
import { smtpSink } from './smtp-sink.ts';
import type { Driver } from './store-drivers.ts';

/**
 * A built site served by Rapport's server on `driver`'s store, in a project folder of its own,
 * with whatever else the test sets (`options`: a clock, a trusted proxy, rate limits…).
 * `close()` stops it and removes the store's schema and the folder.
 */
export async function servedOn(distDir: string, driver: Driver, secret: string, options: Partial<ServeOptions> = {}) {
  await driver.setup();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-served-'));
  const running = await startServer({ distDir, port: 0, host: '127.0.0.1', store: driver.options(), secret, projectRoot: tmp, ...options });
  return {
    running,
    tmp,
    base: serverUrl(running.server),
    async close() {
      await running.close();
      await driver.teardown();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

/**
 * The same, sending through a real SMTP sink with a quick outbox, rate limits as the test sets
 * them. `close()` stops and removes all of it.
 */
export async function servedWithMail(distDir: string, driver: Driver, secret: string, rateLimits: NonNullable<ServeOptions['rateLimits']>) {
  const sink = await smtpSink();
  const served = await servedOn(distDir, driver, secret, {
    mail: { smtpUrl: `smtp://127.0.0.1:${sink.port}`, intervalMs: 100, outbox: { baseDelayMs: 100 } },
    rateLimits,
  });
  return {
    running: served.running,
    sink,
    tmp: served.tmp,
    client: formClient(served.base, secret),
    async close() {
      await served.close();
      await sink.close();
    },
  };
}
