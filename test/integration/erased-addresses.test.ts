import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readBuildInfo } from '../../integrations/rapport/core/build-info.ts';
import { wasErased } from '../../integrations/rapport/core/privacy/core-data.ts';
import { erasePerson } from '../../integrations/rapport/core/privacy/erasure.ts';
import { checkImport } from '../../integrations/rapport/features/console/import-contacts.ts';
import { personalDeclarations } from '../../integrations/rapport/features/privacy/personal-declarations.ts';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { formClient, tokenOf } from '../helpers/form-client.ts';

const distDir = inject('referenceBuild');
const SECRET = 'test-secret-erased-0123456789-0123456789';
const config = readBuildInfo(distDir).config;
const main = config.crm.lists[0]!.id;

/** An address erased at its owner's request stays off lists and imports until its owner signs up again and confirms. */
describe('an erased address', () => {
  let tmp: string;
  let running: RunningServer;
  let client: ReturnType<typeof formClient>;
  const db = () => running.store.db;
  const contactOf = (email: string) => db().selectFrom('contacts').select(['id']).where('email', '=', email).where('erased_at', 'is', null).executeTakeFirst();

  /** Signs `email` up for the main list and presses the confirmation link's button. */
  async function subscribeAndConfirm(email: string) {
    const answer = await client.post('/subscribe', { email, name: '', lists: main });
    expect(answer.status).toBe(303);
    const mail = await db()
      .selectFrom('mail_outbox')
      .select('text_body')
      .where('to_address', '=', email)
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    const confirm = await client.post('/subscribe/confirm', { token: tokenOf(mail.text_body, '/subscribe/confirm') }, { traps: false });
    expect(confirm.status).toBe(303);
  }

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-erased-'));
    running = await startServer({ distDir, port: 0, host: '127.0.0.1', store: { sqliteFile: path.join(tmp, 'crm.sqlite') }, secret: SECRET, projectRoot: tmp });
    client = formClient(serverUrl(running.server), SECRET);
  });
  afterAll(async () => {
    await running?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('is refused by an import, row by row, and said why; a signed-up-again and confirmed address is mailed again', async () => {
    const email = 'gone.gardener@example.com';
    await subscribeAndConfirm(email);
    const id = (await contactOf(email))!.id;
    expect(await erasePerson(db(), personalDeclarations(config), id, { remember: { secret: SECRET } })).toBe('erased');
    expect(await wasErased(db(), SECRET, email)).toBe(true);
    // Another secret cannot test the address against the mark.
    expect(await wasErased(db(), 'another-secret-0123456789-0123456789-0123', email)).toBe(false);

    const csv = `email,name,consent\nnew.grower@example.com,New Grower,${main}\n${email.toUpperCase()},Gone Gardener,${main}\n`;
    const checked = await checkImport(db(), config, csv, false, SECRET);
    if (!checked.ok) throw new Error(checked.message);
    expect(checked.plan.created).toBe(1);
    expect(checked.plan.contacts.map((c) => c.email)).toEqual(['new.grower@example.com']);
    expect(checked.plan.refused).toEqual([{ row: 3, email, message: expect.stringMatching(/deleted at their request/) }]);
    expect(checked.plan.total).toBe(2);

    // The owner signs up again and confirms from their mailbox: new consent, the mark is lifted.
    await subscribeAndConfirm(email);
    expect(await wasErased(db(), SECRET, email)).toBe(false);
    const again = await contactOf(email);
    expect(again?.id).not.toBe(id);
    const lists = await db().selectFrom('list_subscriptions').select(['list', 'status']).where('contact_id', '=', again!.id).execute();
    expect(lists).toEqual([{ list: main, status: 'confirmed' }]);
    // Now an import sees a known contact, not an erased one.
    const after = await checkImport(db(), config, csv, false, SECRET);
    if (!after.ok) throw new Error(after.message);
    expect(after.plan.refused).toEqual([]);
  });
});
