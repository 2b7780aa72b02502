import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOptions } from '../../integrations/rapport/config/parse-options.ts';
import { erasedAddressHash, erasedPlaceholder } from '../../integrations/rapport/core/privacy/core-data.ts';
import { ErasureRefused, erasePerson, exportPerson } from '../../integrations/rapport/core/privacy/erasure.ts';
import type { PersonalData } from '../../integrations/rapport/core/privacy/personal-data.ts';
import type { Services } from '../../integrations/rapport/core/services.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { migrateToLatest } from '../../integrations/rapport/core/store/migrate.ts';
import { pruneExpired } from '../../integrations/rapport/core/store/prune.ts';
import type { Store } from '../../integrations/rapport/core/store/open-store.ts';
import { contactEndpoint } from '../../integrations/rapport/features/contact/message.ts';
import { personalDeclarations } from '../../integrations/rapport/features/privacy/personal-declarations.ts';
import { post, richPerson, SECRET, sentCampaign, testServices, type PersonDetails } from '../helpers/rich-person.ts';
import { signedIn } from '../helpers/staff.ts';
import { storeSnapshot, storeTables, type TableShape } from '../helpers/store-schema.ts';
import { drivers } from '../helpers/store-drivers.ts';
import { TEST_OPTIONS } from '../helpers/test-options.ts';

const config = parseOptions({ ...TEST_OPTIONS, crm: { campaigns: { clicks: 'per-person', opens: true } } });

const ZEPHYRINE: PersonDetails = {
  name: 'Zephyrine Quillfeather',
  email: 'Zephyrine.Q@Example.org',
  organisation: 'Quillfeather Orchards',
  phone: '403-555-0111',
  street: '41 Wintergreen Lane',
  postal: 'T4L 9Z9',
  message: 'Marigold sentinel: is my clay too heavy for tulips?',
  details: 'Purple heron details: the field floods every April.',
  publishedQuestion: 'When should alliums go into heavy clay?',
};
const BARTHOLOMEW: PersonDetails = {
  name: 'Bartholomew Ashgrove',
  email: 'bart@ashgrove.example',
  organisation: 'Ashgrove Nursery',
  phone: '403-555-0177',
  street: '9 Old Mill Road',
  postal: 'T4L 1B2',
  message: 'Do you ship lilies to Red Deer in May?',
  details: 'We have a greenhouse.',
  publishedQuestion: 'How deep do lily bulbs go?',
};

type Snapshot = Record<string, Array<Record<string, string | null>>>;

/**
 * The rows that refer to a contact, by table, found from the schema alone: a column that names
 * them (their id, their address), or a foreign key to a row that does; plus the three ways the
 * store refers to someone without a column of its own (an audit entry's subject, a rate-limit key,
 * a newsletter reader's reference).
 */
function rowsReaching(tables: TableShape[], snapshot: Snapshot, contactId: string, email: string): Map<string, Set<number>> {
  const reached = new Map<string, Set<number>>(tables.map((t) => [t.name, new Set<number>()]));
  const direct = (table: string, r: Record<string, string | null>) =>
    (table === 'contacts' && r.id === contactId) ||
    r.contact_id === contactId ||
    r.email === email ||
    r.to_address === email ||
    (table === 'audit_log' && r.subject_type === 'contact' && r.subject_id === contactId) ||
    (table === 'rate_limits' && (r.key ?? '').endsWith(`:${email}`));
  const links = (t: TableShape) => [
    ...t.references,
    ...(t.name === 'campaign_reader_events' ? [{ column: 'ref', table: 'campaign_recipients', to: 'ref' }] : []),
  ];
  for (let grew = true; grew;) {
    grew = false;
    for (const t of tables) {
      for (const [i, r] of (snapshot[t.name] ?? []).entries()) {
        if (reached.get(t.name)!.has(i)) continue;
        const via = links(t).some((l) => [...reached.get(l.table)!].some((j) => snapshot[l.table]![j]![l.to] === r[l.column] && r[l.column] !== null));
        if (direct(t.name, r) || via) {
          reached.get(t.name)!.add(i);
          grew = true;
        }
      }
    }
  }
  return reached;
}

/** The rows of a snapshot that mention someone anywhere (their id, address or name), by table. */
const mentioning = (snapshot: Snapshot, needles: string[]) =>
  Object.fromEntries(
    Object.entries(snapshot).map(([table, rows]) => [
      table,
      rows.filter((r) => Object.values(r).some((v) => v !== null && needles.some((n) => v.toLowerCase().includes(n.toLowerCase())))),
    ]),
  );

describe.each(drivers)('erasing a person on $name', (driver) => {
  let tmp: string;
  let store: Store;
  let s: Services;
  let declarations: PersonalData[];
  let tables: TableShape[];
  let zephyrine: string;
  let bartholomew: string;
  let staff: Awaited<ReturnType<typeof signedIn>>;
  let before: Snapshot;
  const now = new Date('2026-06-15T12:00:00.000Z');
  const snapshot = (): Promise<Snapshot> => storeSnapshot(store, driver.options());

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-erasure-'));
    await driver.setup();
    store = driver.open();
    await migrateToLatest(store);
    s = testServices(store, config, () => now, path.join(tmp, 'secret'));
    declarations = personalDeclarations(config);
    staff = await signedIn(store.db, 'service', 'helper@shop.example');
    const campaign = await sentCampaign(store, now);
    zephyrine = await richPerson(store, s, ZEPHYRINE, staff, campaign);
    bartholomew = await richPerson(store, s, BARTHOLOMEW, staff, campaign);
    tables = await storeTables(store, driver.options());
    before = await snapshot();
  });
  afterAll(async () => {
    await store?.close();
    await driver.teardown();
    await rm(tmp, { recursive: true, force: true });
  });

  it('hands over, table by table, every row that refers to them', async () => {
    const exported = (await exportPerson(store.db, declarations, zephyrine))!;
    const reached = rowsReaching(tables, before, zephyrine, ZEPHYRINE.email.toLowerCase());
    const declared = declarations.flatMap((d) => d.tables);
    expect(Object.keys(exported).sort()).toEqual([...declared].sort());
    for (const table of declared) {
      // The person built above reaches every table but the one that only erasure writes.
      if (table !== 'erased_addresses') expect(reached.get(table)!.size, `rows of ${table} that refer to them`).toBeGreaterThan(0);
      expect(exported[table], `exported rows of ${table}`).toHaveLength(reached.get(table)!.size);
    }
    // Nobody else's rows: the other person's address and name appear nowhere in it.
    const text = JSON.stringify(exported);
    expect(text).not.toContain(BARTHOLOMEW.email);
    expect(text).not.toContain(BARTHOLOMEW.name);
    // The download is plain JSON, and holds no fingerprint that opens anything.
    expect(JSON.parse(text)).toEqual(exported);
    expect(text).not.toContain('id_hash');
  });

  it('leaves neither their address nor their name in any text column of any table, keeping only what the law needs', async () => {
    expect(await erasePerson(store.db, declarations, zephyrine, { at: now, remember: { secret: SECRET } })).toBe('erased');
    const needles = [
      ZEPHYRINE.email,
      ZEPHYRINE.name,
      ZEPHYRINE.organisation,
      ZEPHYRINE.phone,
      ZEPHYRINE.street,
      ZEPHYRINE.postal,
      ZEPHYRINE.message,
      ZEPHYRINE.details,
      'Quillfeather',
    ];
    const found: string[] = [];
    for (const table of tables) {
      for (const column of table.columns.filter((c) => c.text)) {
        for (const needle of needles) {
          const { rows } = await sql<{
            n: number | string;
          }>`select count(*) as n from ${sql.table(table.name)} where lower(${sql.ref(column.name)}) like ${`%${needle.toLowerCase()}%`}`.execute(store.db);
          if (Number(rows[0]!.n) > 0) found.push(`${table.name}.${column.name} holds “${needle}”`);
        }
      }
    }
    expect(found).toEqual([]);

    const db = store.db;
    // The contact row stays, for what the law keeps to point at, holding nothing about them.
    expect(
      await db.selectFrom('contacts').select(['email', 'name', 'organisation', 'notes', 'erased_at']).where('id', '=', zephyrine).executeTakeFirst(),
    ).toEqual({
      email: erasedPlaceholder(zephyrine),
      name: '',
      organisation: null,
      notes: null,
      erased_at: now.toISOString(),
    });
    // Their order stays for the tax records: what was bought and charged, and the province that set the tax; no address, no shipment.
    const orders = await db.selectFrom('orders').selectAll().where('contact_id', '=', zephyrine).execute();
    expect(orders).toHaveLength(1);
    expect(JSON.parse(orders[0]!.ship_to)).toEqual({ region: 'AB', country: 'CA' });
    expect(orders[0]).toMatchObject({ po_number: null, note: null, follow_up_due_at: null, payment_method: 'purchase-order', subtotal_cents: 4500 });
    expect(orders[0]!.tax_cents).toBeGreaterThan(0);
    expect(await db.selectFrom('order_lines').select(['sku', 'quantity']).where('order_id', '=', orders[0]!.id).execute()).toEqual([
      { sku: 'TUL-RED', quantity: 3 },
    ]);
    expect(await db.selectFrom('shipments').select('id').where('order_id', '=', orders[0]!.id).execute()).toEqual([]);
    // The consent ledger still proves what was consented to, under the contact's number only.
    expect((await db.selectFrom('consent_ledger').select('purpose').where('contact_id', '=', zephyrine).execute()).length).toBeGreaterThan(0);
    // The published question stays on the FAQ, linked to nobody and without the private details; the other one is gone.
    expect(
      await db
        .selectFrom('faq_questions')
        .select(['question', 'contact_id', 'details', 'status'])
        .where('question', 'in', [ZEPHYRINE.publishedQuestion, 'Can bulbs stay in pots over the winter here?'])
        .orderBy('question')
        .execute(),
    ).toEqual([
      // Bartholomew asked the same second question: his stays.
      { question: 'Can bulbs stay in pots over the winter here?', contact_id: bartholomew, details: null, status: 'received' },
      { question: ZEPHYRINE.publishedQuestion, contact_id: null, details: null, status: 'published' },
    ]);
    // The address is remembered only as its keyed hash.
    expect(await db.selectFrom('erased_addresses').select(['hash', 'contact_id']).where('contact_id', '=', zephyrine).execute()).toEqual([
      { hash: erasedAddressHash(SECRET, ZEPHYRINE.email), contact_id: zephyrine },
    ]);
    // Their account, sessions, subscriptions, messages, tags and newsletter records are gone.
    for (const [table, column] of [
      ['accounts', 'contact_id'],
      ['list_subscriptions', 'contact_id'],
      ['activities', 'contact_id'],
      ['contact_tags', 'contact_id'],
      ['campaign_recipients', 'contact_id'],
      ['tokens', 'contact_id'],
    ] as const) {
      expect(await db.selectFrom(table).select(column).where(column, '=', zephyrine).execute(), table).toEqual([]);
    }
    expect(await exportPerson(db, declarations, zephyrine)).toBeUndefined();
  });

  it('answers “already” when asked again, and changes nothing', async () => {
    const once = await snapshot();
    expect(await erasePerson(store.db, declarations, zephyrine, { at: new Date(now.getTime() + 60_000), remember: { secret: SECRET } })).toBe('already');
    expect(await snapshot()).toEqual(once);
    expect(await erasePerson(store.db, declarations, 'no-such-contact', { at: now })).toBe('unknown');
  });

  it('refuses a staff member, naming what to do first, and changes nothing', async () => {
    const was = await snapshot();
    const refused = await erasePerson(store.db, declarations, staff.contactId, { at: now, remember: { secret: SECRET } }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ErasureRefused);
    expect((refused as Error).message).toBe(
      'helper@shop.example is a staff member (Customer service): remove their staff role first (Staff in the console), then delete their data.',
    );
    expect(await snapshot()).toEqual(was);
  });

  it('leaves everyone else as they were', async () => {
    const after = await snapshot();
    const his = [bartholomew, BARTHOLOMEW.email, BARTHOLOMEW.name];
    expect(mentioning(after, his)).toEqual(mentioning(before, his));
    // And what he has is still his to download.
    const exported = (await exportPerson(store.db, declarations, bartholomew))!;
    const reached = rowsReaching(tables, after, bartholomew, BARTHOLOMEW.email);
    for (const table of declarations.flatMap((d) => d.tables)) expect(exported[table], table).toHaveLength(reached.get(table)!.size);
    expect(exported.orders).toHaveLength(1);
    expect(exported.shipments).toHaveLength(1);
  });

  it('lets the pruning of unconfirmed sign-ups go on, and keeps the erased row it must not delete', async () => {
    // Someone who only wrote once (no consent recorded), erased at their request: only their row and the hash of their address remain.
    await post(s, contactEndpoint, { name: 'Quentin Marsh', email: 'quentin@marsh.example', kind: 'prospect', message: 'Please delete everything about me.' });
    const quentin = (await store.db.selectFrom('contacts').select('id').where('email', '=', 'quentin@marsh.example').executeTakeFirstOrThrow()).id;
    expect(await erasePerson(store.db, declarations, quentin, { at: now, remember: { secret: SECRET } })).toBe('erased');
    const stray = await upsertContact(store.db, { email: 'never-confirmed@example.com', name: '' }, () => now);
    const later = () => new Date(now.getTime() + (config.crm.signupExpiryHours + 1) * 3_600_000);
    expect((await pruneExpired(store.db, config.crm.signupExpiryHours, later)).contacts).toBe(1);
    const left = (await store.db.selectFrom('contacts').select('id').where('id', 'in', [quentin, stray.id]).execute()).map((r) => r.id);
    expect(left).toEqual([quentin]);
  });
  it('takes an underscore in an address literally: erasing jo_ann@ leaves joxann@’s links, mail and counters', async () => {
    const gone = await upsertContact(store.db, { email: 'jo_ann@example.com', name: 'Jo Ann' }, () => now);
    const kept = await upsertContact(store.db, { email: 'joxann@example.com', name: 'Joxann' }, () => now);
    const at = now.toISOString();
    await store.db
      .insertInto('tokens')
      .values({
        hash: `h-${kept.id}`,
        purpose: 'test',
        contact_id: null,
        payload: JSON.stringify({ email: kept.email }),
        created_at: at,
        expires_at: at,
        used_at: null,
      })
      .execute();
    await store.db
      .insertInto('mail_outbox')
      .values({
        id: `m-${kept.id}`,
        to_address: 'staff@shop.example',
        subject: 'A message',
        text_body: `From ${kept.email}`,
        html_body: null,
        headers: null,
        status: 'sent',
        next_attempt_at: at,
        last_error: null,
        created_at: at,
        sent_at: at,
      })
      .execute();
    await store.db
      .insertInto('rate_limits')
      .values({ key: `mail:${kept.email}`, points: 1, expire: null })
      .execute();
    expect(await erasePerson(store.db, declarations, gone.id, { at: now })).toBe('erased');
    expect(await store.db.selectFrom('tokens').select('hash').where('hash', '=', `h-${kept.id}`).execute()).toHaveLength(1);
    expect(await store.db.selectFrom('mail_outbox').select('id').where('id', '=', `m-${kept.id}`).execute()).toHaveLength(1);
    expect(await store.db.selectFrom('rate_limits').select('key').where('key', '=', `mail:${kept.email}`).execute()).toHaveLength(1);
    const exported = await exportPerson(store.db, declarations, kept.id);
    expect(exported?.rate_limits).toEqual([expect.objectContaining({ key: `mail:${kept.email}` })]);
  });
});
