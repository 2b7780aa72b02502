import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readBuildInfo } from '../../integrations/rapport/core/build-info.ts';
import { before } from '../../integrations/rapport/core/privacy/personal-data.ts';
import { migrateToLatest } from '../../integrations/rapport/core/store/migrate.ts';
import { openStore } from '../../integrations/rapport/core/store/open-store.ts';
import { loadPrivacySettings } from '../../integrations/rapport/features/privacy/settings.ts';
import { startServer, type RunningServer } from '../../integrations/rapport/server/serve.ts';

const distDir = inject('referenceBuild');
const SECRET = 'test-secret-retention-0123456789-0123456789';
const NOW = new Date('2031-06-15T12:00:00Z');

/** The periods the editor sets are the ones the running server enforces: settings → build → server job. */
describe('retention on the running server', () => {
  let tmp: string;
  let running: RunningServer | undefined;
  const settings = loadPrivacySettings(path.resolve(import.meta.dirname, '../../content/settings/privacy.md'))!.settings;
  const reports = settings.retention.find((r) => r.data === 'delivery-reports')!;
  const period = { amount: reports.keep, unit: reports.unit };

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-retention-server-'));
  });
  afterAll(async () => {
    await running?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('carries the editor’s periods in the build, and deletes what is past them when it starts', async () => {
    // The build hands the server exactly the settings' periods, by kind.
    expect(readBuildInfo(distDir).retention).toEqual(Object.fromEntries(settings.retention.map((r) => [r.data, { amount: r.keep, unit: r.unit }])));

    const file = path.join(tmp, 'crm.sqlite');
    const store = openStore({ sqliteFile: file });
    await migrateToLatest(store);
    const cutoff = before(NOW, period).getTime();
    const report = (id: string, at: number) => ({
      id,
      email: `${id}@example.com`,
      kind: 'soft-bounce' as const,
      source: 'dsn',
      outbox_id: null,
      detail: null,
      created_at: new Date(at).toISOString(),
    });
    const old = `old-${randomUUID().slice(0, 8)}`;
    const recent = `recent-${randomUUID().slice(0, 8)}`;
    await store.db
      .insertInto('mail_events')
      .values([report(old, cutoff - 60_000), report(recent, cutoff + 60_000)])
      .execute();
    await store.close();

    // The server runs its jobs once at start, with the periods of the build it serves.
    running = await startServer({ distDir, port: 0, host: '127.0.0.1', store: { sqliteFile: file }, secret: SECRET, projectRoot: tmp, clock: () => NOW });
    const left = await running.store.db.selectFrom('mail_events').select('id').orderBy('id').execute();
    expect(left.map((r) => r.id)).toEqual([recent]);
  });
});
