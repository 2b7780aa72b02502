import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { load } from 'cheerio';
import { FileSystemConfigLoader, HtmlValidate } from 'html-validate';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RapportConfig } from '../../integrations/rapport/config/schema.ts';
import { readBuildInfo } from '../../integrations/rapport/core/build-info.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { consentStatement } from '../../integrations/rapport/features/console/import-contacts.ts';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { raw, type Answer } from '../helpers/form-client.ts';
import { signedIn } from '../helpers/staff.ts';
import { drivers } from '../helpers/store-drivers.ts';

const distDir = inject('referenceBuild');
const built = readBuildInfo(distDir);
const config = built.config as RapportConfig;
const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const PAGE = '/admin/crm/contacts/import';
const validator = new HtmlValidate(new FileSystemConfigLoader());
const TABLES = ['contacts', 'contact_tags', 'list_subscriptions', 'consent_ledger', 'activities', 'audit_log'] as const;

/** Importing contacts from CSV: a check that writes nothing, then one transaction that records a consent for every subscription. */
describe.each(drivers)('importing contacts on $name', (driver) => {
  let tmp: string;
  let running: RunningServer;
  let base: string;
  let admin: Awaited<ReturnType<typeof signedIn>>;
  let service: Awaited<ReturnType<typeof signedIn>>;
  let editor: Awaited<ReturnType<typeof signedIn>>;
  const db = () => running.store.db;

  beforeAll(async () => {
    await driver.setup();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-import-'));
    running = await startServer({ distDir, port: 0, host: '127.0.0.1', store: driver.options(), secret: SECRET, projectRoot: tmp });
    base = serverUrl(running.server);
    admin = await signedIn(db(), 'admin');
    service = await signedIn(db(), 'service');
    editor = await signedIn(db(), 'editor');
  });
  afterAll(async () => {
    await running?.close();
    await driver.teardown();
    await rm(tmp, { recursive: true, force: true });
  });

  /** A multipart POST as a browser sends it: FormData serialised by a WHATWG Request, same origin, the staff member's cookie. */
  async function post(fields: Record<string, string | File | string[]>, who: { cookie: string } = admin): Promise<Answer> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) form.append(name, v);
    const request = new Request(base + PAGE, { method: 'POST', body: form });
    const body = Buffer.from(await request.arrayBuffer());
    return raw(base + PAGE, { method: 'POST', headers: { 'content-type': request.headers.get('content-type')!, origin: base, cookie: who.cookie }, body });
  }
  const check = (csv: string | Uint8Array<ArrayBuffer>, options: { name?: string; update?: boolean; who?: { cookie: string } } = {}) =>
    post(
      {
        intent: 'check',
        file: new File([csv], options.name ?? 'contacts.csv', { type: 'text/csv' }),
        ...(options.update ? { update: 'yes' } : {}),
      },
      options.who,
    );
  /** Sends the report page's import form back as a browser would: its hidden fields, line ends as CRLF, the consent boxes ticked. */
  function applyFrom(report: Answer, options: { tick?: boolean; who?: { cookie: string }; content?: string } = {}) {
    const $ = load(report.text);
    const form = $('form:has(input[name="intent"][value="apply"])');
    expect(form.length).toBe(1);
    const fields: Record<string, string | string[]> = {};
    form.find('input[type="hidden"]').each((_, el) => void (fields[$(el).attr('name')!] = ($(el).attr('value') ?? '').replace(/\r?\n/g, '\r\n')));
    if (options.content !== undefined) fields.content = options.content;
    if (options.tick !== false)
      fields.consent_confirmed = form
        .find('input[name="consent_confirmed"]')
        .map((_, el) => $(el).attr('value')!)
        .get();
    return post(fields, options.who);
  }
  const counts = async () =>
    Object.fromEntries(
      await Promise.all(
        TABLES.map(async (t) => [
          t,
          Number(
            (
              await db()
                .selectFrom(t)
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          ),
        ]),
      ),
    ) as Record<(typeof TABLES)[number], number>;
  const facts = (answer: Answer) => {
    const $ = load(answer.text);
    return Object.fromEntries(
      $('dl.facts dt')
        .map((_, el) => [[$(el).text().trim(), $(el).next('dd').text().trim()]])
        .get() as Array<[string, string]>,
    );
  };
  const errorOf = (answer: Answer) => load(answer.text)('.error').text();
  const expectValid = async (answer: Answer, label: string) => {
    const report = await validator.validateString(answer.text);
    expect(report.results.flatMap((r) => r.messages.map((m) => `${label}:${m.line} ${m.ruleId}: ${m.message}`))).toEqual([]);
  };
  const contact = (email: string) => db().selectFrom('contacts').selectAll().where('email', '=', email).executeTakeFirst();
  const subscription = async (email: string, list: string) =>
    (
      await db()
        .selectFrom('list_subscriptions')
        .innerJoin('contacts', 'contacts.id', 'list_subscriptions.contact_id')
        .select('list_subscriptions.status')
        .where('contacts.email', '=', email)
        .where('list', '=', list)
        .executeTakeFirst()
    )?.status;
  const ledger = (email: string) =>
    db()
      .selectFrom('consent_ledger')
      .innerJoin('contacts', 'contacts.id', 'consent_ledger.contact_id')
      .select(['purpose', 'action', 'form_id', 'wording_hash', 'policy_version', 'source'])
      .where('contacts.email', '=', email)
      .orderBy('purpose')
      .execute();

  it('is for admins only: the page, the check and the import refuse service and editor staff, and nothing changes', async () => {
    const page = await raw(base + PAGE, { headers: { cookie: admin.cookie } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('enctype="multipart/form-data"');
    await expectValid(page, 'form');
    // The contacts list links to it for admins only.
    expect((await raw(base + '/admin/crm/contacts/', { headers: { cookie: admin.cookie } })).text).toContain(`href="${PAGE}"`);
    const list = await raw(base + '/admin/crm/contacts/', { headers: { cookie: service.cookie } });
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(`href="${PAGE}"`);
    for (const who of [service, editor]) expect((await raw(base + PAGE, { headers: { cookie: who.cookie } })).status).toBe(403);
    const csv = 'email,name,consent\nrefused.one@example.com,Refused One,news\n';
    const report = await check(csv);
    expect(report.status).toBe(200);
    const before = await counts();
    for (const who of [service, editor]) {
      const checked = await check(csv, { who });
      expect(checked.status).toBe(403);
      expect(checked.text).toContain('does not include importing contacts');
      expect((await applyFrom(report, { who })).status).toBe(403);
    }
    expect(await counts()).toEqual(before);
    expect(await contact('refused.one@example.com')).toBeUndefined();
  });

  it('checks a file without writing anything, then imports it in one go with a consent record for every subscription', async () => {
    const now = new Date().toISOString();
    const kept = await upsertContact(db(), { email: 'kept@example.com', name: 'Kept Name', organisation: null, kind: 'customer' });
    const gone = await upsertContact(db(), { email: 'gone@example.com', name: 'Gone Person' });
    await db()
      .insertInto('list_subscriptions')
      .values({
        contact_id: gone.id,
        list: 'news',
        status: 'unsubscribed',
        created_at: '2025-01-02T00:00:00.000Z',
        confirmed_at: null,
        updated_at: '2026-01-15T10:00:00.000Z',
      })
      .execute();
    const waiting = await upsertContact(db(), { email: 'waiting@example.com', name: 'Waiting Person' });
    await db()
      .insertInto('list_subscriptions')
      .values({ contact_id: waiting.id, list: 'reminders', status: 'pending', created_at: now, confirmed_at: null, updated_at: now })
      .execute();
    await upsertContact(db(), { email: 'same@example.com', name: 'Same Person' });

    const csv = [
      '\uFEFFEmail,NAME,Organisation,kind,tags,consent,consent_date,consent_source',
      'New.One@Example.com,Nora New,Prairie Gardens,partner,wholesale; Alberta ,news;reminders,2025-04-30,Calgary garden show sheet',
      'new.two@example.com,Ned Two,,,,,,',
      'kept@example.com,Someone Else,Kept Org,supplier,vip,,,',
      'gone@example.com,,,,,news,,',
      'waiting@example.com,,,,,reminders,,',
      'same@example.com,,,,,,,',
      'not-an-address,Bad Row,,,,,,',
      'odd.kind@example.com,Odd,,wizard,,,,',
      'odd.list@example.com,Odd,,,,news;gossip,,',
      'new.one@example.com,Twice,,,,,,',
    ].join('\r\n');
    const before = await counts();
    const report = await check(csv, { name: 'show signups.csv' });
    expect(report.status).toBe(200);
    expect(await counts()).toEqual(before);
    expect(facts(report)).toMatchObject({
      'Rows in the file': '10',
      'New contacts': '2',
      'Existing contacts updated': '2',
      'Existing contacts unchanged': '2',
      'Rows refused': '4',
    });
    const $ = load(report.text);
    const refused = $('h2:contains("Rows refused") + p + .table-wrap tbody tr')
      .map((_, tr) => $(tr).text())
      .get();
    expect(refused).toHaveLength(4);
    expect(refused[0]).toMatch(/^8not-an-addressinvalid address “not-an-address”/);
    expect(refused[1]).toContain('unknown kind “wizard”');
    expect(refused[2]).toContain('unknown list “gossip”');
    expect(refused[3]).toMatch(/^11new\.one@example\.com.*the same address as row 2/);
    expect($('h2:contains("Left as is") + .table-wrap').text()).toContain('unsubscribed on 2026-01-15; left as is');
    expect($('button[type="submit"]').text()).toContain('Import these 4 contacts');
    await expectValid(report, 'report');

    // The boxes are required: an import without them is refused, and so is a copy of the file that changed on its way back.
    const unticked = await applyFrom(report, { tick: false });
    expect(unticked.status).toBe(422);
    expect(errorOf(unticked)).toContain('Tick the statement');
    const tampered = await applyFrom(report, { content: csv.replace('Nora New', 'Mallory') });
    expect(tampered.status).toBe(400);
    expect(await counts()).toEqual(before);

    const applied = await applyFrom(report);
    expect(applied.status).toBe(303);
    expect(applied.headers.location).toBe(`${PAGE}?done=imported`);

    const one = await contact('new.one@example.com');
    expect(one).toMatchObject({ name: 'Nora New', organisation: 'Prairie Gardens', kind: 'partner' });
    expect(await contact('new.two@example.com')).toMatchObject({ name: 'Ned Two', organisation: null, kind: 'prospect' });
    const tags = await db().selectFrom('contact_tags').select('tag').where('contact_id', '=', one!.id).orderBy('tag').execute();
    expect(tags.map((t) => t.tag)).toEqual(['alberta', 'wholesale']);
    // An existing name stays; an empty organisation is filled; the kind stays without "update existing".
    expect(await contact('kept@example.com')).toMatchObject({ id: kept.id, name: 'Kept Name', organisation: 'Kept Org', kind: 'customer' });
    expect(await contact('not-an-address')).toBeUndefined();
    expect(await contact('odd.kind@example.com')).toBeUndefined();
    expect(await contact('odd.list@example.com')).toBeUndefined();

    // Subscriptions exist only where the file gave consent, each with its ledger entry.
    expect(await subscription('new.one@example.com', 'news')).toBe('confirmed');
    expect(await subscription('new.one@example.com', 'reminders')).toBe('confirmed');
    expect(await subscription('new.two@example.com', 'news')).toBeUndefined();
    expect(await subscription('waiting@example.com', 'reminders')).toBe('confirmed');
    expect(await subscription('gone@example.com', 'news')).toBe('unsubscribed');
    const hash = (list: string) => createHash('sha256').update(consentStatement(config, list)).digest('hex');
    const entry = (list: string) => ({
      purpose: `newsletter:${list}`,
      action: 'granted',
      form_id: 'import',
      wording_hash: hash(list),
      policy_version: built.privacyVersion ?? 'none',
      source: 'import:show signups.csv',
    });
    expect(await ledger('new.one@example.com')).toEqual([entry('news'), entry('reminders')]);
    expect(await ledger('waiting@example.com')).toEqual([entry('reminders')]);
    expect(await ledger('gone@example.com')).toEqual([]);
    expect(await ledger('new.two@example.com')).toEqual([]);
    const confirmed = await db().selectFrom('list_subscriptions').select(['contact_id', 'list']).where('status', '=', 'confirmed').execute();
    const granted = await db().selectFrom('consent_ledger').select(['contact_id', 'purpose']).where('action', '=', 'granted').execute();
    for (const s of confirmed) expect(granted).toContainEqual({ contact_id: s.contact_id, purpose: `newsletter:${s.list}` });

    const after = await counts();
    expect(after.contacts - before.contacts).toBe(2);
    expect(after.consent_ledger - before.consent_ledger).toBe(3);
    const imported = await db().selectFrom('activities').select(['contact_id', 'summary', 'data']).where('type', '=', 'imported').execute();
    expect(imported.map((a) => a.summary)).toEqual(['Imported from show signups.csv', 'Imported from show signups.csv']);
    expect(JSON.parse(imported.find((a) => a.contact_id === one!.id)!.data!)).toMatchObject({
      consent: { lists: ['news', 'reminders'], date: '2025-04-30', source: 'Calgary garden show sheet' },
    });

    const audit = await db().selectFrom('audit_log').selectAll().where('action', '=', 'import.apply').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe(admin.email);
    expect(audit[0]!.summary).toBe('Imported show signups.csv: 2 new, 2 updated, 2 unchanged, 3 subscriptions with consent, 4 rows refused');
    expect(JSON.parse(audit[0]!.data!)).toMatchObject({
      file: 'show signups.csv',
      created: 2,
      updated: 2,
      unchanged: 2,
      refused: 4,
      subscriptions: { news: 1, reminders: 2 },
      consent: [
        { list: 'news', statement: consentStatement(config, 'news'), wordingHash: hash('news') },
        { list: 'reminders', statement: consentStatement(config, 'reminders'), wordingHash: hash('reminders') },
      ],
    });
    expect(await db().selectFrom('audit_log').select('id').where('action', 'like', 'import.dry%').execute()).toHaveLength(0);
    const done = await raw(base + applied.headers.location!, { headers: { cookie: admin.cookie } });
    expect(done.text).toContain('Imported.');
  });

  it('replaces names, organisations and kinds already on file only when asked to', async () => {
    await upsertContact(db(), { email: 'switch@example.com', name: 'Old Name', organisation: 'Old Org', kind: 'prospect' });
    const csv = 'email,name,organisation,kind\nswitch@example.com,New Name,New Org,investor\n';
    const plain = await check(csv);
    expect(facts(plain)['Existing contacts unchanged']).toBe('1');
    expect(load(plain.text)('form:has(input[value="apply"])')).toHaveLength(0);
    const report = await check(csv, { update: true });
    expect(facts(report)['Existing contacts updated']).toBe('1');
    expect((await applyFrom(report)).status).toBe(303);
    expect(await contact('switch@example.com')).toMatchObject({ name: 'New Name', organisation: 'New Org', kind: 'investor' });
  });

  it('imports the largest file it takes (10,000 rows) in one transaction', async () => {
    const before = await counts();
    const rows = Array.from({ length: 10_000 }, (_, i) => `bulk.${i}@example.com,Bulk Person ${i},Bulk Org,customer,bulk;wave-1,news,2025-03-01,order form`);
    const report = await check(['email,name,organisation,kind,tags,consent,consent_date,consent_source', ...rows].join('\n'), { name: 'bulk.csv' });
    expect(report.status).toBe(200);
    expect(facts(report)['New contacts']).toBe('10,000');
    const started = Date.now();
    expect((await applyFrom(report)).status).toBe(303);
    expect(Date.now() - started).toBeLessThan(30_000);
    const after = await counts();
    expect(after.contacts - before.contacts).toBe(10_000);
    expect(after.contact_tags - before.contact_tags).toBe(20_000);
    expect(after.consent_ledger - before.consent_ledger).toBe(10_000);
    expect(after.activities - before.activities).toBe(10_000);
    expect(after.audit_log - before.audit_log).toBe(1);
  });

  it('refuses files it cannot import whole, saying why, and writes nothing', async () => {
    const before = await counts();
    const unknown = await check('email,name,Phone,fax\nx@example.com,X,1,2\n');
    expect(unknown.status).toBe(422);
    expect(errorOf(unknown)).toContain('columns the import does not know: “phone”, “fax”');
    await expectValid(unknown, 'refusal');
    const noEmail = await check('name,organisation\nX,Y\n');
    expect(noEmail.status).toBe(422);
    expect(errorOf(noEmail)).toContain('no “email” column');
    const latin1 = await check(Uint8Array.from([...Buffer.from('email,name\nrene@example.com,Ren'), 0xe9, 0x0a]));
    expect(latin1.status).toBe(422);
    expect(errorOf(latin1)).toContain('not in UTF-8');
    const ragged = await check('email,name\na@example.com\n');
    expect(ragged.status).toBe(422);
    expect(errorOf(ragged)).toContain('Row 2 of the file has a different number of values');
    const long = await check(['email', ...Array.from({ length: 10_001 }, (_, i) => `p${i}@example.com`)].join('\n'));
    expect(long.status).toBe(413);
    expect(errorOf(long)).toContain('more than 10,000 rows');
    const noFile = await post({ intent: 'check' });
    expect(noFile.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('refuses an upload over the limit: the server before reading it, the page for a file too big to send back', async () => {
    const before = await counts();
    const huge = await check(`email\n${'x'.repeat(2 * 1024 * 1024)}\n`);
    expect(huge.status).toBe(413);
    const big = await check(`email\n${'y'.repeat(2 * 1024 * 1024 - 20 * 1024)}\n`);
    expect(big.status).toBe(413);
    expect(errorOf(big)).toContain('larger than');
    // A normal form elsewhere still has the small limit.
    expect((await raw(base + '/subscribe', { method: 'POST', headers: { origin: base }, body: 'x'.repeat(100_000) })).status).toBe(413);
    expect(await counts()).toEqual(before);
  });
});
