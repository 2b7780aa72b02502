import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreRateLimiter, take } from '../../integrations/rapport/core/security/rate-limit.ts';
import { migrateToLatest } from '../../integrations/rapport/core/store/migrate.ts';
import type { Store } from '../../integrations/rapport/core/store/open-store.ts';
import { drivers } from '../helpers/store-drivers.ts';

// The per-IP counts that arrive in one turn of the event loop are written in one statement
// (rate-limit.ts). These check that combining them keeps the limit exact.
describe.each(drivers)('rate limits in the $name store', (driver) => {
  let store: Store;
  beforeAll(async () => {
    await driver.setup();
    store = driver.open();
    await migrateToLatest(store);
  });
  afterAll(async () => {
    await store?.close();
    await driver.teardown();
  });

  const points = async (key: string) =>
    Number((await store.db.selectFrom('rate_limits').select('points').where('key', '=', key).executeTakeFirst())?.points ?? 0);

  it('lets exactly the limit through when many posts from one address arrive at once, and counts every one', async () => {
    const limiter = new StoreRateLimiter(store.db, { keyPrefix: 'burst', points: 7, duration: 600 });
    const waits = await Promise.all(Array.from({ length: 25 }, () => take(limiter, '203.0.113.9')));
    expect(waits.filter((w) => w === 0)).toHaveLength(7);
    // The refused ones are told how long to wait: the window's remainder, about ten minutes.
    for (const wait of waits.filter((w) => w > 0)) expect(wait).toBeGreaterThan(590);
    expect(await points('burst:203.0.113.9')).toBe(25);
    // The next turn's post sees the count left by the burst.
    expect(await take(limiter, '203.0.113.9')).toBeGreaterThan(0);
  });

  it('keeps each address’s count apart within one combined write', async () => {
    const limiter = new StoreRateLimiter(store.db, { keyPrefix: 'mixed', points: 3, duration: 600 });
    const addresses = ['198.51.100.1', '198.51.100.2', '198.51.100.1', '198.51.100.3', '198.51.100.1', '198.51.100.1', '198.51.100.2'];
    const waits = await Promise.all(addresses.map((ip) => take(limiter, ip)));
    // In arrival order: .1 is let through three times and refused on its fourth post; .2 and .3 always pass.
    expect(waits.map((w) => w === 0)).toEqual([true, true, true, true, true, false, true]);
    expect(await points('mixed:198.51.100.1')).toBe(4);
    expect(await points('mixed:198.51.100.2')).toBe(2);
    expect(await points('mixed:198.51.100.3')).toBe(1);
  });

  it('starts a new window when the last one has ended', async () => {
    const limiter = new StoreRateLimiter(store.db, { keyPrefix: 'window', points: 2, duration: 600 });
    await store.db
      .insertInto('rate_limits')
      .values({ key: 'window:192.0.2.4', points: 50, expire: Date.now() - 1_000 })
      .execute();
    const waits = await Promise.all([take(limiter, '192.0.2.4'), take(limiter, '192.0.2.4'), take(limiter, '192.0.2.4')]);
    expect(waits.map((w) => w === 0)).toEqual([true, true, false]);
    expect(await points('window:192.0.2.4')).toBe(3);
  });

  it('counts inside a submission’s transaction, and not at all when it rolls back', async () => {
    const limiter = new StoreRateLimiter(store.db, { keyPrefix: 'trx', points: 5, duration: 600 });
    await store.db.transaction().execute(async (trx) => {
      expect(await take(limiter, 'someone@example.com', trx)).toBe(0);
    });
    await expect(
      store.db.transaction().execute(async (trx) => {
        await take(limiter, 'someone@example.com', trx);
        throw new Error('the submission failed');
      }),
    ).rejects.toThrow('the submission failed');
    expect(await points('trx:someone@example.com')).toBe(1);
  });
});
