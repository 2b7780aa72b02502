import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOptions } from '../../integrations/rapport/config/parse-options.ts';
import { recordDeliveryEvent } from '../../integrations/rapport/core/mail/delivery-events.ts';
import { before as periodBefore, type Period } from '../../integrations/rapport/core/privacy/personal-data.ts';
import type { RetentionKind } from '../../integrations/rapport/core/privacy/vocabulary.ts';
import type { Services } from '../../integrations/rapport/core/services.ts';
import { recordAudit } from '../../integrations/rapport/core/store/audit.ts';
import { appendConsent, upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { migrateToLatest } from '../../integrations/rapport/core/store/migrate.ts';
import type { Store } from '../../integrations/rapport/core/store/open-store.ts';
import { recordActivity } from '../../integrations/rapport/core/store/timeline.ts';
import { campaignStats } from '../../integrations/rapport/features/newsletter/campaigns/stats.ts';
import { enforceRetention } from '../../integrations/rapport/features/privacy/retention-job.ts';
import { insertOrderWithLine } from '../helpers/orders.ts';
import { sentCampaign, testServices } from '../helpers/rich-person.ts';
import { storeSnapshot } from '../helpers/store-schema.ts';
import { drivers } from '../helpers/store-drivers.ts';
import { TEST_OPTIONS } from '../helpers/test-options.ts';

const config = parseOptions({ ...TEST_OPTIONS, crm: { campaigns: { clicks: 'per-person', opens: true } } });

/** The reference site's periods (content/settings/privacy.md). */
const PERIODS: Record<RetentionKind, Period> = {
  contacts: { amount: 3, unit: 'years' },
  orders: { amount: 6, unit: 'years' },
  messages: { amount: 2, unit: 'years' },
  questions: { amount: 2, unit: 'years' },
  surveys: { amount: 2, unit: 'years' },
  consent: { amount: 3, unit: 'years' },
  'sent-mail': { amount: 30, unit: 'days' },
  'newsletter-sends': { amount: 1, unit: 'years' },
  'delivery-reports': { amount: 30, unit: 'days' },
};

type Row = Record<string, string | null>;
type Snapshot = Record<string, Row[]>;

/** How a row is named in a diff: its own id, or the columns that make it unique. */
const keyOf = (row: Row) =>
  row.id ??
  row.ref ??
  row.activity_id ??
  row.hash ??
  row.id_hash ??
  row.key ??
  (row.list ? `${row.contact_id}/${row.list}` : row.tag ? `${row.contact_id}/${row.tag}` : row.email!);

/** What changed between two snapshots, by table: rows removed, changed (same key) and added, by key. */
function changes(from: Snapshot, to: Snapshot): Record<string, { removed?: string[]; changed?: string[]; added?: string[] }> {
  const out: Record<string, { removed?: string[]; changed?: string[]; added?: string[] }> = {};
  for (const table of Object.keys({ ...from, ...to })) {
    const a = new Map((from[table] ?? []).map((r) => [keyOf(r), JSON.stringify(r)]));
    const b = new Map((to[table] ?? []).map((r) => [keyOf(r), JSON.stringify(r)]));
    const removed = [...a.keys()].filter((k) => !b.has(k)).sort();
    const added = [...b.keys()].filter((k) => !a.has(k)).sort();
    const changed = [...a.keys()].filter((k) => b.has(k) && a.get(k) !== b.get(k)).sort();
    if (removed.length + added.length + changed.length === 0) continue;
    out[table] = { ...(removed.length ? { removed } : {}), ...(changed.length ? { changed } : {}), ...(added.length ? { added } : {}) };
  }
  return out;
}

const MINUTE = 60_000;
const iso = (d: Date) => d.toISOString();

describe.each(drivers)('retention periods on $name', (driver) => {
  let tmp: string;
  let store: Store;
  let s: Services;
  let now = new Date('2026-11-30T12:00:00.000Z');
  const db = () => store.db;
  const at = (d: Date) => () => d;
  const cutoff = (kind: RetentionKind) => periodBefore(now, PERIODS[kind]);
  /** Just inside the period (kept) and just outside it (due). */
  const inside = (kind: RetentionKind) => new Date(cutoff(kind).getTime() + MINUTE);
  const outside = (kind: RetentionKind) => new Date(cutoff(kind).getTime() - MINUTE);
  const snapshot = (): Promise<Snapshot> => storeSnapshot(store, driver.options());
  /** Runs the server's retention job with only this period set, and says what it changed. */
  const run = async (kind: RetentionKind) => {
    const was = await snapshot();
    const report = await enforceRetention(s, { [kind]: PERIODS[kind] });
    return { report, changed: changes(was, await snapshot()) };
  };
  const contact = (name: string) => upsertContact(db(), { email: `${name}-${randomUUID().slice(0, 6)}@example.com`, name }, at(now));
  const eventOf = async (email: string) => (await db().selectFrom('mail_events').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  const activityOf = async (summary: string) => (await db().selectFrom('activities').select('id').where('summary', '=', summary).executeTakeFirstOrThrow()).id;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-retention-'));
    await driver.setup();
    store = driver.open();
    await migrateToLatest(store);
    s = testServices(store, config, () => now, path.join(tmp, 'secret'));
  });
  afterAll(async () => {
    await store?.close();
    await driver.teardown();
    await rm(tmp, { recursive: true, force: true });
  });

  it('deletes delivery reports older than their period, and keeps the suppression they led to', async () => {
    const old = await contact('bounced-old');
    const recent = await contact('bounced-recent');
    await recordDeliveryEvent(db(), { email: old.email, kind: 'hard-bounce', source: 'dsn' }, { clock: at(outside('delivery-reports')) });
    await recordDeliveryEvent(db(), { email: recent.email, kind: 'soft-bounce', source: 'dsn' }, { clock: at(inside('delivery-reports')) });
    const gone = await eventOf(old.email);
    const { report, changed } = await run('delivery-reports');
    expect(report).toEqual({ 'delivery-reports': 1 });
    expect(changed).toEqual({ mail_events: { removed: [gone] } });
    expect(await db().selectFrom('mail_suppressions').select('email').where('email', '=', old.email).execute()).toHaveLength(1);
  });

  it('deletes copies of mail sent or given up on longer ago than its period, and the shared bodies nothing uses any more', async () => {
    const outbox = (id: string, status: 'sent' | 'failed' | 'pending', when: Date, template: string | null = null) =>
      db()
        .insertInto('mail_outbox')
        .values({
          id,
          to_address: `${id}@example.com`,
          subject: template ? '' : 'Hello',
          text_body: template ? '' : 'Hello there',
          html_body: null,
          headers: null,
          status,
          next_attempt_at: iso(when),
          last_error: null,
          created_at: iso(when),
          sent_at: status === 'sent' ? iso(when) : null,
          template_id: template,
        })
        .execute();
    const template = (id: string, when: Date) =>
      db()
        .insertInto('mail_templates')
        .values({ id, subject: 'Issue', text_body: 'Hello {{rapport.email}}', html_body: null, headers: null, created_at: iso(when) })
        .execute();
    const old = outside('sent-mail');
    await template('tpl-old', old);
    await template('tpl-campaign', old);
    const campaign = await sentCampaign(store, now, null);
    await db().updateTable('campaigns').set({ template_id: 'tpl-campaign' }).where('id', '=', campaign).execute();
    await outbox('sent-old', 'sent', old, 'tpl-old');
    await outbox('failed-old', 'failed', old);
    await outbox('sent-recent', 'sent', inside('sent-mail'));
    // Not sent yet, however old: it is still to go.
    await outbox('pending-old', 'pending', old);
    const { report, changed } = await run('sent-mail');
    expect(report).toEqual({ 'sent-mail': 2 });
    expect(changed).toEqual({ mail_outbox: { removed: ['failed-old', 'sent-old'] }, mail_templates: { removed: ['tpl-old'] } });
  });

  it('deletes consent records once the consent ended longer ago than its period', async () => {
    const record = (contactId: string, action: 'granted' | 'withdrawn', when: Date, purpose = 'newsletter:news') =>
      appendConsent(
        db(),
        { contact_id: contactId, purpose, action, form_id: 'subscribe@1', wording_hash: 'a'.repeat(64), policy_version: 'v', source: 'web:/subscribe' },
        at(when),
      );
    const long = new Date('2019-01-01T00:00:00.000Z');
    const withdrewLongAgo = await contact('withdrew-long-ago');
    await record(withdrewLongAgo.id, 'granted', long);
    await record(withdrewLongAgo.id, 'withdrawn', outside('consent'));
    // Another purpose of the same person, still granted: its proof is still needed.
    await record(withdrewLongAgo.id, 'granted', long, 'faq:answer-notice');
    const withdrewRecently = await contact('withdrew-recently');
    await record(withdrewRecently.id, 'granted', long);
    await record(withdrewRecently.id, 'withdrawn', inside('consent'));
    const stillSubscribed = await contact('still-subscribed');
    await record(stillSubscribed.id, 'granted', long);
    const erased = await contact('erased-long-ago');
    await record(erased.id, 'granted', long);
    await db()
      .updateTable('contacts')
      .set({ erased_at: iso(outside('consent')) })
      .where('id', '=', erased.id)
      .execute();
    const erasedRecently = await contact('erased-recently');
    await record(erasedRecently.id, 'granted', long);
    await db()
      .updateTable('contacts')
      .set({ erased_at: iso(inside('consent')) })
      .where('id', '=', erasedRecently.id)
      .execute();
    const ledger = async (contactId: string, purpose = 'newsletter:news') =>
      (await db().selectFrom('consent_ledger').select('id').where('contact_id', '=', contactId).where('purpose', '=', purpose).execute()).map((r) => r.id);
    const due = [...(await ledger(withdrewLongAgo.id)), ...(await ledger(erased.id))].sort();

    const { report, changed } = await run('consent');
    expect(report).toEqual({ consent: 3 });
    expect(changed).toEqual({ consent_ledger: { removed: due } });
    expect(await ledger(withdrewLongAgo.id, 'faq:answer-notice')).toHaveLength(1);
    // The ledger is append-only again once the job is done.
    await expect(db().deleteFrom('consent_ledger').where('contact_id', '=', stillSubscribed.id).execute()).rejects.toThrow(/append-only/);
  });

  it('deletes orders six years after the end of their tax year, with their lines, history and shipments', async () => {
    const customer = await contact('customer');
    const shipped = async (number: string, when: string) => {
      await insertOrderWithLine(db(), {
        contactId: customer.id,
        number,
        status: 'shipped',
        at: when,
        subtotalCents: 1000,
        shipTo: { region: 'AB', country: 'CA' },
      });
      const order = await db().selectFrom('orders').select('id').where('number', '=', number).executeTakeFirstOrThrow();
      await db()
        .insertInto('shipments')
        .values({
          id: `ship-${number}`,
          order_id: order.id,
          carrier: 'ups',
          tracking_number: '1Z999AA10123456784',
          tracking_url: null,
          confidence: 'high',
          created_at: when,
        })
        .execute();
      return order.id;
    };
    const last2019 = await shipped('191231-LAST', '2019-12-31T23:59:59.999Z');
    const first2020 = await shipped('200101-FRST', '2020-01-01T00:00:00.000Z');
    const rows = async (orderId: string) => ({
      orders: [orderId],
      order_lines: (await db().selectFrom('order_lines').select('id').where('order_id', '=', orderId).execute()).map((r) => r.id),
      order_events: (await db().selectFrom('order_events').select('id').where('order_id', '=', orderId).execute()).map((r) => r.id),
      shipments: [`ship-${(await db().selectFrom('orders').select('number').where('id', '=', orderId).executeTakeFirstOrThrow()).number}`],
    });
    const removed = (r: Record<string, string[]>) => Object.fromEntries(Object.entries(r).map(([t, ids]) => [t, { removed: ids.sort() }]));

    // The last moment of 2026: the 2019 tax year ended six years before 1 January 2026, the 2020 one has not yet.
    now = new Date('2026-12-31T23:59:59.000Z');
    const expected2019 = removed(await rows(last2019));
    let result = await run('orders');
    expect(result.report).toEqual({ orders: 1 });
    expect(result.changed).toEqual(expected2019);
    // At midnight the 2020 tax year's six years are up.
    now = new Date('2027-01-01T00:00:00.000Z');
    const expected2020 = removed(await rows(first2020));
    result = await run('orders');
    expect(result.report).toEqual({ orders: 1 });
    expect(result.changed).toEqual(expected2020);
    now = new Date('2026-11-30T12:00:00.000Z');
  });

  it('deletes messages the period after they were answered or closed, or after they arrived when never handled', async () => {
    const writer = await contact('writer');
    const message = async (summary: string, arrived: Date, handled?: { status: 'new' | 'answered' | 'closed'; at: Date }) => {
      await recordActivity(db(), { contactId: writer.id, type: 'enquiry', summary, data: { subject: summary, message: 'Hello' } }, arrived);
      const id = await activityOf(summary);
      if (handled)
        await db()
          .insertInto('message_handling')
          .values({ activity_id: id, status: handled.status, handled_by: null, updated_at: iso(handled.at) })
          .execute();
      return id;
    };
    const long = new Date('2020-03-01T00:00:00.000Z');
    const answeredLongAgo = await message('answered long ago', long, { status: 'answered', at: outside('messages') });
    const closedLongAgo = await message('closed long ago', long, { status: 'closed', at: outside('messages') });
    await message('answered recently', long, { status: 'answered', at: inside('messages') });
    const neverHandled = await message('never handled', outside('messages'));
    const markedNew = await message('marked new again', outside('messages'), { status: 'new', at: inside('messages') });
    await message('arrived recently', inside('messages'));
    // Not a message: an order on the timeline is the contacts' period's business.
    await recordActivity(db(), { contactId: writer.id, type: 'order', summary: 'Order 200301-AAAA' }, long);

    const { report, changed } = await run('messages');
    expect(report).toEqual({ messages: 4 });
    expect(changed).toEqual({
      activities: { removed: [answeredLongAgo, closedLongAgo, markedNew, neverHandled].sort() },
      message_handling: { removed: [answeredLongAgo, closedLongAgo, markedNew].sort() },
    });
  });

  it('unlinks a published question from its asker and deletes declined ones, the period after the decision', async () => {
    const asker = await contact('asker');
    const question = async (id: string, status: 'published' | 'rejected' | 'merged' | 'pending_review', decided: Date) => {
      await db()
        .insertInto('faq_questions')
        .values({
          id,
          contact_id: asker.id,
          question: `Question ${id}?`,
          details: 'private',
          status,
          entry_slug: id,
          merged_into: null,
          created_at: '2020-01-01T00:00:00.000Z',
          updated_at: iso(decided),
          notified_at: null,
        })
        .execute();
      await db()
        .insertInto('faq_question_events')
        .values({ id: `event-${id}`, question_id: id, status, note: null, created_at: iso(decided) })
        .execute();
    };
    await question('published-old', 'published', outside('questions'));
    await question('published-recent', 'published', inside('questions'));
    await question('rejected-old', 'rejected', outside('questions'));
    await question('merged-old', 'merged', outside('questions'));
    await question('merged-recent', 'merged', inside('questions'));
    // Still waiting for an answer, however old: not due.
    await question('waiting-old', 'pending_review', new Date('2019-01-01T00:00:00.000Z'));

    const { report, changed } = await run('questions');
    expect(report).toEqual({ questions: 3 });
    expect(changed).toEqual({
      faq_questions: { removed: ['merged-old', 'rejected-old'], changed: ['published-old'] },
      faq_question_events: { removed: ['event-merged-old', 'event-rejected-old'] },
    });
    expect(
      await db().selectFrom('faq_questions').select(['question', 'contact_id', 'details', 'status']).where('id', '=', 'published-old').executeTakeFirst(),
    ).toEqual({
      question: 'Question published-old?',
      contact_id: null,
      details: null,
      status: 'published',
    });
    // A second run finds nothing more to do.
    expect((await run('questions')).report).toEqual({ questions: 0 });
  });

  it('deletes who a newsletter went to the period after it was sent, and the clicks recorded per reader', async () => {
    const reader = await contact('reader');
    const finishedLongAgo = await sentCampaign(store, now, iso(outside('newsletter-sends')));
    const finishedRecently = await sentCampaign(store, now, iso(inside('newsletter-sends')));
    const stillSending = await sentCampaign(store, now, null);
    const recipient = async (campaign: string, ref: string) =>
      db()
        .insertInto('campaign_recipients')
        .values({
          campaign_id: campaign,
          contact_id: reader.id,
          ref,
          email: reader.email,
          list: 'news',
          status: 'queued',
          skip_reason: null,
          outbox_id: null,
          queued_at: iso(now),
        })
        .execute();
    const click = (campaign: string, ref: string, when: Date) =>
      db()
        .insertInto('campaign_reader_events')
        .values({ id: `click-${ref}-${when.getTime()}`, campaign_id: campaign, ref, link_id: null, created_at: iso(when) })
        .execute();
    await recipient(finishedLongAgo, 'a'.repeat(24));
    await recipient(finishedRecently, 'b'.repeat(24));
    await recipient(stillSending, 'c'.repeat(24));
    await click(finishedLongAgo, 'a'.repeat(24), outside('newsletter-sends'));
    await click(finishedRecently, 'b'.repeat(24), outside('newsletter-sends'));
    await click(finishedRecently, 'b'.repeat(24), inside('newsletter-sends'));

    const { report, changed } = await run('newsletter-sends');
    expect(report).toEqual({ 'newsletter-sends': 3 });
    expect(changed).toEqual({
      campaign_recipients: { removed: ['a'.repeat(24)] },
      campaign_reader_events: {
        removed: [
          `click-${'a'.repeat(24)}-${outside('newsletter-sends').getTime()}`,
          `click-${'b'.repeat(24)}-${outside('newsletter-sends').getTime()}`,
        ].sort(),
      },
    });
    // The campaign's page then says who it went to was deleted, rather than counting nobody as sent.
    const stats = async (id: string) => campaignStats(db(), await db().selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
    expect(await stats(finishedLongAgo)).toMatchObject({ recipients: 2, recipientsDeleted: true });
    expect(await stats(finishedRecently)).toMatchObject({ recipientsDeleted: false, queued: 1 });
    expect(await stats(stillSending)).toMatchObject({ recipientsDeleted: false });
  });

  it('erases contacts nobody has dealt with for the period, and keeps anyone with an account, a subscription or anything recent', async () => {
    const old = outside('contacts');
    const contactAt = async (name: string, when: Date) => upsertContact(db(), { email: `${name}@example.com`, name }, at(when));
    const forgotten = await contactAt('forgotten', old);
    await recordActivity(db(), { contactId: forgotten.id, type: 'enquiry', summary: 'An old question' }, old);
    const activity = await activityOf('An old question');
    const withAccount = await contactAt('with-account', old);
    await db()
      .insertInto('accounts')
      .values({ id: randomUUID(), contact_id: withAccount.id, role: 'customer', created_at: iso(old) })
      .execute();
    const subscriber = await contactAt('subscriber', old);
    await db()
      .insertInto('list_subscriptions')
      .values({ contact_id: subscriber.id, list: 'news', status: 'confirmed', created_at: iso(old), confirmed_at: iso(old), updated_at: iso(old) })
      .execute();
    const recentlyActive = await contactAt('recently-active', old);
    // (Not a message: the messages' own, shorter period would delete that first, and the form that sent it would have touched the contact.)
    await recordActivity(db(), { contactId: recentlyActive.id, type: 'unsubscribed', summary: 'Left the newsletter' }, inside('contacts'));
    await contactAt('recently-added', inside('contacts'));
    // Staff wrote about the forgotten one once: the entry stays, without their address.
    await recordAudit(
      db(),
      'cli',
      { action: 'contact.note', subject: { type: 'contact', id: forgotten.id }, summary: `Noted something about ${forgotten.email}` },
      old,
    );

    const { report, changed } = await run('contacts');
    expect(report).toEqual({ contacts: 1 });
    const auditId = (await db().selectFrom('audit_log').select('id').where('subject_id', '=', forgotten.id).executeTakeFirstOrThrow()).id;
    expect(changed).toEqual({ contacts: { changed: [forgotten.id] }, activities: { removed: [activity] }, audit_log: { changed: [auditId] } });
    const row = await db().selectFrom('contacts').select(['email', 'name', 'erased_at']).where('id', '=', forgotten.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ email: `erased-${forgotten.id}@erased.invalid`, name: '', erased_at: iso(now) });
    // A period is not a request: the address is not remembered, so the person can come back.
    expect(await db().selectFrom('erased_addresses').select('hash').where('contact_id', '=', forgotten.id).execute()).toEqual([]);
  });

  it('keeps the consent ledger and the audit log closed to changes outside a permit', async () => {
    await expect(db().updateTable('consent_ledger').set({ action: 'granted' }).execute()).rejects.toThrow(/append-only/);
    await expect(db().deleteFrom('consent_ledger').execute()).rejects.toThrow(/append-only/);
    await expect(db().updateTable('audit_log').set({ summary: 'nothing happened' }).execute()).rejects.toThrow(/append-only/);
    await expect(db().deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    expect(await db().selectFrom('append_only_permits').selectAll().execute()).toEqual([]);
  });

  it('changes nothing when every period is run again at the same time', async () => {
    const was = await snapshot();
    await enforceRetention(s, PERIODS);
    expect(changes(was, await snapshot())).toEqual({});
  });
});
