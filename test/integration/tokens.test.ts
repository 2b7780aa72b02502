import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeToken, hashToken, issueToken, tokenIsValid } from '../../integrations/rapport/core/security/tokens.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { migrateToLatest } from '../../integrations/rapport/core/store/migrate.ts';
import type { Store } from '../../integrations/rapport/core/store/open-store.ts';
import { drivers } from '../helpers/store-drivers.ts';

const at = (iso: string) => () => new Date(iso);
const HOUR = 3_600_000;

describe.each(drivers)('tokens on $name', (driver) => {
  let store: Store;
  let contactId: string;
  beforeAll(async () => {
    await driver.setup();
    store = driver.open();
    await migrateToLatest(store);
    contactId = (await upsertContact(store.db, { email: 'token@example.com', name: 'Toni' })).id;
  });
  afterAll(async () => {
    await store?.close();
    await driver.teardown();
  });

  it('stores only a hash of a 256-bit token', async () => {
    const token = await issueToken(store.db, { purpose: 'subscribe-confirm', contactId, ttlMs: HOUR });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await store.db.selectFrom('tokens').select('hash').execute();
    expect(rows.map((r) => r.hash)).toContain(hashToken(token));
    expect(rows.map((r) => r.hash)).not.toContain(token);
  });

  it('works once for its purpose, then never again', async () => {
    const token = await issueToken(store.db, { purpose: 'sign-in', contactId, payload: { next: '/account/' }, ttlMs: HOUR });
    expect(await tokenIsValid(store.db, token, 'sign-in')).toBe(true);
    expect(await consumeToken(store.db, token, 'subscribe-confirm')).toBeUndefined(); // foreign purpose
    expect(await consumeToken(store.db, token, 'sign-in')).toEqual({ contactId, payload: { next: '/account/' } });
    expect(await consumeToken(store.db, token, 'sign-in')).toBeUndefined(); // replayed
    expect(await tokenIsValid(store.db, token, 'sign-in')).toBe(false);
  });

  it('expires', async () => {
    const token = await issueToken(store.db, { purpose: 'sign-in', contactId, ttlMs: HOUR }, at('2026-05-01T12:00:00.000Z'));
    expect(await consumeToken(store.db, token, 'sign-in', at('2026-05-01T13:00:00.000Z'))).toBeUndefined();
    expect(await consumeToken(store.db, token, 'sign-in', at('2026-05-01T12:59:59.000Z'))).toEqual({ contactId, payload: undefined });
  });

  it('is used by exactly one of many requests racing with it', async () => {
    const token = await issueToken(store.db, { purpose: 'unsubscribe', contactId, ttlMs: HOUR });
    const results = await Promise.all(Array.from({ length: 10 }, () => consumeToken(store.db, token, 'unsubscribe')));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('refuses malformed and unknown tokens the same way', async () => {
    expect(await consumeToken(store.db, 'short', 'sign-in')).toBeUndefined();
    expect(await consumeToken(store.db, 'A'.repeat(43), 'sign-in')).toBeUndefined();
  });
});
