import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it, vi, type MockInstance } from 'vitest';
import { migrateToLatest } from '../../integrations/rapport/core/store/migrate.ts';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { formClient } from '../helpers/form-client.ts';
import { drivers } from '../helpers/store-drivers.ts';

const SECRET = 'group-commit-secret-0123456789-0123456789';
const BAD = 'refused@example.com';

/** Makes the store refuse one address inside the sign-up's own transaction, as a failing disk or a broken row would. */
const refuseOne: Record<string, string[]> = {
  sqlite: [`create trigger refuse_one before insert on contacts when new.email = '${BAD}' begin select raise(abort, 'refused by the test'); end`],
  postgres: [
    `create function refuse_one() returns trigger language plpgsql as $$ begin if new.email = '${BAD}' then raise exception 'refused by the test'; end if; return new; end $$`,
    'create trigger refuse_one before insert on contacts for each row execute function refuse_one()',
  ],
};

describe.each(drivers)('a burst of sign-ups with one that fails in the database, on $name', (driver) => {
  let running: RunningServer;
  // The server logs the refused post on stderr (console.error): kept here to check it.
  let errors: MockInstance<typeof console.error>;

  beforeAll(async () => {
    errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    await driver.setup();
    const store = driver.open();
    await migrateToLatest(store);
    for (const statement of refuseOne[driver.name]!) await sql.raw(statement).execute(store.db);
    await store.close();
    running = await startServer({
      distDir: inject('referenceBuild'),
      port: 0,
      host: '127.0.0.1',
      // A long enough batch age that the whole burst can share one batch on a busy machine.
      store: { ...driver.options(), groupCommit: { maxAgeMs: 2_000 } },
      secret: SECRET,
      rateLimits: { perIp: { points: 10_000, duration: 600 } },
    });
  });
  afterAll(async () => {
    await running?.close();
    await driver.teardown();
    errors?.mockRestore();
  });

  it('stores and answers every other sign-up, and tells the refused one nothing was stored', async () => {
    const client = formClient(serverUrl(running.server), SECRET);
    const emails = Array.from({ length: 40 }, (_, i) => `burst.${i}@example.com`);
    emails.splice(17, 0, BAD);
    const stats = running.store.commits;
    const before = stats ? { commits: stats.commits, units: stats.units } : undefined;
    // On SQLite, the test holds the server's connection until every post waits for it, so they all
    // arrive together, as under load; then they run as one batch.
    let letGo = () => {};
    const held = stats ? running.store.db.connection().execute(() => new Promise<void>((resolve) => (letGo = resolve))) : undefined;
    const posted = Promise.all(emails.map((email) => client.post('/subscribe', { email, lists: 'news' })));
    if (stats) {
      const deadline = Date.now() + 20_000;
      while (stats.waiting < emails.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(stats.waiting).toBe(emails.length);
      letGo();
      await held;
    }
    const answers = await posted;

    const bad = answers[17]!;
    expect(bad.status).toBe(503);
    expect(bad.text).toContain('We could not save this just now, and nothing was stored.');
    expect(bad.text).not.toMatch(/refused by the test|at .*\.ts:\d+/);
    const good = answers.filter((_, i) => i !== 17);
    expect(good.map((a) => `${a.status} ${a.headers.location}`)).toEqual(good.map(() => '303 /subscribe/check-your-inbox'));

    const db = running.store.db;
    const stored = await db.selectFrom('contacts').select('email').where('email', 'like', 'burst.%').orderBy('email').execute();
    expect(stored.map((r) => r.email)).toEqual(emails.filter((e) => e !== BAD).sort());
    const pending = await db.selectFrom('mail_outbox').select('to_address').where('to_address', 'like', 'burst.%').execute();
    expect(pending).toHaveLength(40);
    // Nothing of the refused sign-up survived: no contact, consent, token or mail.
    expect(await db.selectFrom('contacts').select('id').where('email', '=', BAD).execute()).toEqual([]);
    expect(await db.selectFrom('mail_outbox').select('id').where('to_address', '=', BAD).execute()).toEqual([]);
    expect(errors.mock.calls.some(([line]) => String(line).includes('refused by the test'))).toBe(true);

    if (stats && before) {
      // 41 posts, each a counter and a sign-up transaction, in a couple of COMMITs (the held
      // connection's own batch, then the burst's), the refused one rolled back alone inside it.
      expect(stats.units - before.units).toBeGreaterThanOrEqual(2 * emails.length);
      expect(stats.commits - before.commits).toBeLessThanOrEqual(3);
    }
  });
});
