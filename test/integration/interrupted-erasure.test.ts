import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOptions } from '../../integrations/rapport/config/parse-options.ts';
import { erasePerson } from '../../integrations/rapport/core/privacy/erasure.ts';
import { migrateToLatest } from '../../integrations/rapport/core/store/migrate.ts';
import type { Store } from '../../integrations/rapport/core/store/open-store.ts';
import { personalDeclarations } from '../../integrations/rapport/features/privacy/personal-declarations.ts';
import { richPerson, SECRET, sentCampaign, testServices } from '../helpers/rich-person.ts';
import { signedIn } from '../helpers/staff.ts';
import { storeSnapshot } from '../helpers/store-schema.ts';
import { drivers } from '../helpers/store-drivers.ts';
import { TEST_OPTIONS } from '../helpers/test-options.ts';

const config = parseOptions(TEST_OPTIONS);

describe.each(drivers)('an erasure killed halfway, on $name', (driver) => {
  let tmp: string;
  let store: Store;
  let contactId: string;
  const now = new Date('2026-06-15T12:00:00.000Z');

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-interrupted-'));
    await driver.setup();
    store = driver.open();
    await migrateToLatest(store);
    const s = testServices(store, config, () => now, path.join(tmp, 'secret'));
    const staff = await signedIn(store.db, 'service', 'helper@shop.example');
    contactId = await richPerson(
      store,
      s,
      {
        name: 'Ottilie Brackenridge',
        email: 'ottilie@brackenridge.example',
        organisation: 'Brackenridge Farm',
        phone: '403-555-0123',
        street: '7 Coulee Road',
        postal: 'T4L 3C3',
        message: 'When do the Darwin tulips ship this year?',
        details: 'Our soil is sandy.',
        publishedQuestion: 'Do tulips need a cold winter?',
      },
      staff,
      await sentCampaign(store, now),
    );
  });
  afterAll(async () => {
    await store?.close();
    await driver.teardown();
    await rm(tmp, { recursive: true, force: true });
  });

  it('leaves the store exactly as it was, and a later erasure does it all', async () => {
    const before = await storeSnapshot(store, driver.options());
    expect(before.list_subscriptions!.filter((r) => r.contact_id === contactId)).toHaveLength(1);
    expect(before.mail_outbox!.filter((r) => r.to_address === 'ottilie@brackenridge.example').length).toBeGreaterThan(0);
    await store.close();

    const marker = path.join(tmp, 'erasing');
    const child = spawn(process.execPath, [path.join(import.meta.dirname, '../helpers/erase-child.ts')], {
      env: { ...process.env, RAPPORT_TEST_ERASE: JSON.stringify({ store: driver.options(), contactId, marker }) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const exited = once(child, 'exit');
    for (let waited = 0; !existsSync(marker); waited += 20) {
      if (waited > 30_000 || child.exitCode !== null) throw new Error('the erasure did not get halfway');
      await sleep(20);
    }
    // Still in the middle of it: it has not ended by itself.
    expect(child.exitCode).toBeNull();
    child.kill('SIGKILL');
    expect((await exited)[1]).toBe('SIGKILL');

    store = driver.open();
    expect(await storeSnapshot(store, driver.options())).toEqual(before);
    expect(await erasePerson(store.db, personalDeclarations(config), contactId, { at: now, remember: { secret: SECRET } })).toBe('erased');
    const after = await storeSnapshot(store, driver.options());
    expect(after.list_subscriptions!.filter((r) => r.contact_id === contactId)).toEqual([]);
    expect(JSON.stringify(after)).not.toContain('ottilie@brackenridge.example');
  });
});
