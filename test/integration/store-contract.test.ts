import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../integrations/rapport/core/store/audit.ts';
import { appendConsent, consentHistory, upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { migrateToLatest } from '../../integrations/rapport/core/store/migrate.ts';
import { checkSqlitePragmas, openSqlite } from '../../integrations/rapport/core/store/open-sqlite.ts';
import type { Store } from '../../integrations/rapport/core/store/open-store.ts';
import { drivers } from '../helpers/store-drivers.ts';

const clock = (iso: string) => () => new Date(iso);

describe.each(drivers)('the CRM store on $name', (driver) => {
  let store: Store;
  beforeAll(async () => {
    await driver.setup();
    store = driver.open();
  });
  afterAll(async () => {
    await store?.close();
    await driver.teardown();
  });

  it('migrates safely when two servers start at once, and only once', async () => {
    const other = driver.open();
    try {
      const [a, b] = await Promise.all([migrateToLatest(store), migrateToLatest(other)]);
      expect([...a, ...b]).toEqual([
        '0001-crm',
        '0002-rate-limits',
        '0003-faq-questions',
        '0004-orders',
        '0005-confirmed-addresses',
        '0006-console',
        '0007-campaigns',
        '0008-privacy-rights',
        '0009-languages',
        '0010-wishlist',
        '0011-reorder',
        '0012-care-reminders',
        '0013-winback',
        '0014-campaign-segments',
        '0015-visit-counts',
        '0016-survey-answers',
      ]);
      expect(await migrateToLatest(store)).toEqual([]);
    } finally {
      await other.close();
    }
    // Postgres lists every schema's tables; other test files migrate their own schemas meanwhile.
    const schema = 'schema' in driver.options() ? driver.options().schema : undefined;
    const tables = (await store.db.introspection.getTables()).filter((t) => t.schema === schema);
    expect(tables.map((t) => t.name).sort()).toEqual([
      'accounts',
      'activities',
      'append_only_permits',
      'audit_log',
      'campaign_links',
      'campaign_reader_events',
      'campaign_recipients',
      'campaigns',
      'care_reminders',
      'consent_ledger',
      'contact_tags',
      'contacts',
      'erased_addresses',
      'faq_question_events',
      'faq_questions',
      'list_subscriptions',
      'mail_events',
      'mail_outbox',
      'mail_suppressions',
      'mail_templates',
      'message_handling',
      'order_events',
      'order_lines',
      'orders',
      'privacy_requests',
      'rate_limits',
      'reorder_reminders',
      'sessions',
      'shipments',
      'stock_requests',
      'survey_answers',
      'survey_links_used',
      'survey_responses',
      'tokens',
      'visit_counts',
      'winback_notes',
      'winback_templates',
      'wish_list_items',
    ]);
  });

  it('keeps one contact per address, whatever its case, and keeps the name it first had', async () => {
    const first = await upsertContact(store.db, { email: 'Ann@Example.com', name: 'Ann Tulip', kind: 'customer' }, clock('2026-03-01T10:00:00.000Z'));
    const again = await upsertContact(store.db, { email: 'ann@example.COM ', name: 'Somebody Else' }, clock('2026-03-02T10:00:00.000Z'));
    expect(again.id).toBe(first.id);
    expect(again).toMatchObject({
      email: 'ann@example.com',
      name: 'Ann Tulip',
      kind: 'customer',
      created_at: '2026-03-01T10:00:00.000Z',
      updated_at: '2026-03-02T10:00:00.000Z',
    });
    const rows = await store.db.selectFrom('contacts').select('id').where('email', '=', 'ann@example.com').execute();
    expect(rows).toHaveLength(1);
  });

  it('keeps the language of the latest form a contact sent, and keeps it when staff or a command add them', async () => {
    const first = await upsertContact(store.db, { email: 'lang@example.com', name: 'Lou', language: 'en-CA' });
    expect(first.language).toBe('en-CA');
    // A later form in French: the person's latest choice.
    expect((await upsertContact(store.db, { email: 'LANG@example.com', name: 'Lou', language: 'fr-CA' })).language).toBe('fr-CA');
    // Staff or the CLI add the same address without a language: the person's choice stays.
    expect((await upsertContact(store.db, { email: 'lang@example.com', name: 'Lou', kind: 'partner' })).language).toBe('fr-CA');
    // A contact nobody's form created has none (their mail goes in the site's default).
    expect((await upsertContact(store.db, { email: 'staff-added@example.com', name: 'Sam' })).language).toBeNull();
  });

  it('stores markup in a name as plain text', async () => {
    const name = '<script>alert("x")</script> Zoë';
    const contact = await upsertContact(store.db, { email: 'markup@example.com', name });
    const row = await store.db.selectFrom('contacts').select('name').where('id', '=', contact.id).executeTakeFirstOrThrow();
    expect(row.name).toBe(name);
  });

  it('records consent in a ledger the database will not let anyone rewrite', async () => {
    const contact = await upsertContact(store.db, { email: 'ledger@example.com', name: 'Lee' });
    const base = {
      contact_id: contact.id,
      purpose: 'newsletter:news',
      form_id: 'subscribe',
      wording_hash: 'a'.repeat(64),
      policy_version: '2026-11-01+abc123',
      source: 'web:/subscribe',
    };
    await appendConsent(store.db, { ...base, action: 'granted', language: 'fr-CA' }, clock('2026-04-01T09:00:00.000Z'));
    await appendConsent(store.db, { ...base, action: 'withdrawn', source: 'mail:one-click' }, clock('2026-05-01T09:00:00.000Z'));
    const history = await consentHistory(store.db, contact.id);
    expect(history.map((h) => [h.action, h.source, h.language, h.created_at])).toEqual([
      ['granted', 'web:/subscribe', 'fr-CA', '2026-04-01T09:00:00.000Z'],
      ['withdrawn', 'mail:one-click', null, '2026-05-01T09:00:00.000Z'],
    ]);
    await expect(store.db.updateTable('consent_ledger').set({ language: 'en-CA' }).where('contact_id', '=', contact.id).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(store.db.updateTable('consent_ledger').set({ action: 'granted' }).where('contact_id', '=', contact.id).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(store.db.deleteFrom('consent_ledger').where('contact_id', '=', contact.id).execute()).rejects.toThrow(/append-only/);
    expect(await consentHistory(store.db, contact.id)).toHaveLength(2);
  });

  it('refuses records that point at a contact that does not exist', async () => {
    await expect(
      appendConsent(store.db, {
        contact_id: 'no-such-contact',
        purpose: 'x',
        action: 'granted',
        form_id: 'f',
        wording_hash: 'h',
        policy_version: 'v',
        source: 's',
      }),
    ).rejects.toThrow(/foreign key|violates/i);
  });

  it('takes the staff roles, refuses others, and keeps accounts and their sessions through the role rebuild', async () => {
    const contact = await upsertContact(store.db, { email: 'desk@example.com', name: 'Desk', kind: 'partner' });
    await store.db
      .insertInto('accounts')
      .values({ id: 'acc-service', contact_id: contact.id, role: 'service', created_at: new Date().toISOString() })
      .execute();
    await store.db
      .insertInto('sessions')
      .values({ id_hash: 'h-service', account_id: 'acc-service', created_at: new Date().toISOString(), expires_at: new Date().toISOString() })
      .execute();
    const other = await upsertContact(store.db, { email: 'nobody@example.com', name: 'No', kind: 'partner' });
    await expect(
      store.db
        .insertInto('accounts')
        .values({ id: 'acc-x', contact_id: other.id, role: 'owner' as 'admin', created_at: new Date().toISOString() })
        .execute(),
    ).rejects.toThrow(/check/i);
    // Sessions still point at accounts (the SQLite rebuild must not leave a dangling reference).
    await expect(store.db.insertInto('sessions').values({ id_hash: 'h-x', account_id: 'missing', created_at: '', expires_at: '' }).execute()).rejects.toThrow(
      /foreign key/i,
    );
  });

  it('keeps an audit log the database will not let anyone rewrite', async () => {
    await recordAudit(store.db, 'cli', { action: 'test.write', summary: 'Wrote a test entry' }, new Date());
    await expect(store.db.updateTable('audit_log').set({ summary: 'Something else' }).execute()).rejects.toThrow(/append-only/);
    await expect(store.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    expect(await store.db.selectFrom('audit_log').select(['actor', 'summary']).execute()).toEqual([{ actor: 'cli', summary: 'Wrote a test entry' }]);
  });

  it('refuses a contact kind the business does not use', async () => {
    await expect(
      sql`insert into contacts (id, email, name, kind, created_at, updated_at) values ('k1', 'k@example.com', 'K', 'alien', 'now', 'now')`.execute(store.db),
    ).rejects.toThrow(/check/i);
  });
});

describe('the embedded SQLite file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rapport-sqlite-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('runs with WAL, synchronous=FULL and foreign keys, also after it is reopened', () => {
    const file = path.join(dir, 'var', 'rapport.sqlite');
    openSqlite(file).close();
    const reopened = openSqlite(file);
    const value = (pragma: string) => Object.values(reopened.prepare(`PRAGMA ${pragma}`).get() ?? {})[0];
    expect([value('journal_mode'), value('synchronous'), value('foreign_keys')]).toEqual(['wal', 2, 1]);
    reopened.close();
  });

  it('refuses to run on a connection without durable settings', () => {
    const plain = new DatabaseSync(':memory:');
    expect(() => checkSqlitePragmas(plain)).toThrowErrorMatchingInlineSnapshot(
      `[Error: The SQLite database does not hold Rapport's durability settings (got {"journal_mode":"memory","synchronous":2,"foreign_keys":1}; need journal_mode=wal, synchronous=2 (FULL), foreign_keys=1). Check that the file is on a local filesystem that supports WAL.]`,
    );
    plain.close();
  });
});
