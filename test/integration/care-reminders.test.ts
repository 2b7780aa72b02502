import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readBuildInfo } from '../../integrations/rapport/core/build-info.ts';
import { erasedAddressHash } from '../../integrations/rapport/core/privacy/core-data.ts';
import { erasePerson, exportPerson } from '../../integrations/rapport/core/privacy/erasure.ts';
import { createSession, SESSION_COOKIE } from '../../integrations/rapport/core/security/sessions.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { careDatesOf, type CareSubject } from '../../integrations/rapport/features/care-reminders/care-dates.ts';
import { dayKey } from '../../integrations/rapport/features/care-reminders/region-offset.ts';
import { CARE_PURPOSE, dueFor, removalSignature } from '../../integrations/rapport/features/care-reminders/requests.ts';
import { sendDueCareReminders } from '../../integrations/rapport/features/care-reminders/send.ts';
import { personalDeclarations } from '../../integrations/rapport/features/privacy/personal-declarations.ts';
import { tokenOf } from '../helpers/form-client.ts';
import { servedWithMail } from '../helpers/mail-server.ts';
import { waitFor } from '../helpers/smtp-sink.ts';
import { drivers } from '../helpers/store-drivers.ts';

const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const distDir = inject('referenceBuild');
const built = readBuildInfo(distDir);
const config = built.config;
const subjects = (JSON.parse(readFileSync(path.join(distDir, 'server', 'care-dates.json'), 'utf8')) as { subjects: CareSubject[] }).subjects;
/** The reference build's care dates, plus an answer with a January date (none of the reference pages has one). */
const JANUARY: CareSubject = {
  subject: 'faq:test-january',
  title: { 'en-CA': 'Forcing bulbs indoors' },
  path: '/faq/',
  locales: ['en-CA'],
  dates: [{ month: 1, day: 15, what: { 'en-CA': 'Bring the pots in' } }],
};
const careDates = careDatesOf([...subjects, JANUARY]);
const DAHLIA = 'product:DAH-CAL-1';
const LIFT = '9-25';
// The reference farm is in Alberta: the business time zone is Edmonton's.
const AB = { country: 'CA', region: 'AB' };

/**
 * Reminders a customer sets, through the running reference server on a real store and SMTP
 * server: the form on the page, double opt-in, the day it is due in the business's time zone, one
 * mail with two servers racing, the year end, removal, and who never gets one.
 */
describe.each(drivers)('care reminders on $name', (driver) => {
  let served: Awaited<ReturnType<typeof servedWithMail>>;
  const db = () => served.running.store.db;
  const services = (at: string | Date, dates = careDates) => ({
    db: db(),
    config,
    site: new URL(built.site),
    secret: SECRET,
    clock: () => new Date(at),
    careDates: dates,
  });
  const remindersTo = async (email: string) =>
    (await db().selectFrom('mail_outbox').select(['subject', 'text_body', 'headers']).where('to_address', '=', email).execute()).filter((m) =>
      /^(Reminder|Rappel)/.test(m.subject),
    );
  const rowOf = (email: string) =>
    db()
      .selectFrom('care_reminders')
      .innerJoin('contacts', 'contacts.id', 'care_reminders.contact_id')
      .selectAll('care_reminders')
      .where('contacts.email', '=', email)
      .executeTakeFirst();
  const customer = async (email: string) => {
    const contact = await upsertContact(db(), { email, name: 'Care Tester' });
    const account = randomUUID();
    await db().insertInto('accounts').values({ id: account, contact_id: contact.id, role: 'customer', created_at: new Date().toISOString() }).execute();
    return { contact, cookie: `${SESSION_COOKIE}=${await createSession(db(), account)}` };
  };
  /** Asks without an account and confirms from the mailed link. */
  const requestAndConfirm = async (email: string, fields: Record<string, string> = {}, prefix = '') => {
    const asked = await served.client.post(`${prefix}/care-reminders`, { subject: DAHLIA, date: LIFT, region: 'CA-AB', email, ...fields });
    expect(asked.status).toBe(303);
    expect(asked.headers.location).toBe(`${prefix}/care-reminders/check-your-inbox`);
    expect((await rowOf(email))?.status).toBe('pending');
    const mail = await waitFor(
      () => served.sink.received.find((m) => m.to.includes(email) && /^(Confirm|Confirmez)/.test(m.parsed.subject ?? '')),
      `confirmation to ${email}`,
    );
    const token = tokenOf(mail.parsed.text ?? '', `${prefix}/care-reminders/confirm`);
    expect((await served.client.get(`${prefix}/care-reminders/confirm?token=${token}`)).status).toBe(200);
    const confirmed = await served.client.post(`${prefix}/care-reminders/confirm`, { token }, { traps: false });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.location).toBe(`${prefix}/care-reminders/confirmed`);
    return mail;
  };

  beforeAll(async () => {
    served = await servedWithMail(distDir, driver, SECRET, { perIp: { points: 10_000, duration: 600 }, messagesPerAddress: { points: 100, duration: 3600 } });
  });
  afterAll(() => served?.close());

  it('draws "Remind me" on pages with care dates only, in the page’s language', async () => {
    const dahlia = load((await served.client.get('/products/dahlia-cafe-au-lait/')).text);
    const form = dahlia('form[action="/care-reminders"]');
    expect(form.find('input[name="subject"]').attr('value')).toBe(DAHLIA);
    expect(
      form
        .find('select[name="date"] option')
        .map((_, o) => dahlia(o).attr('value'))
        .get(),
    ).toEqual(['5-25', LIFT]);
    expect(form.find('select[name="date"]').text()).toContain('Lift before hard frost (September 25)');
    expect(form.find('select[name="region"] option[value="CA-BC"]').text()).toBe('British Columbia');
    const french = load((await served.client.get('/fr/faq/when-to-plant-tulips/')).text);
    expect(french('form[action="/fr/care-reminders"] input[name="subject"]').attr('value')).toBe('faq:when-to-plant-tulips');
    expect(french('form[action="/fr/care-reminders"] select[name="date"]').text()).toContain('Planter les tulipes');
    const none = load((await served.client.get('/products/tulip-queen-of-night/')).text);
    expect(none('form[action="/care-reminders"]').length).toBe(0);
  });

  it('confirms by mail, then sends one reminder on its day in Edmonton, once with two servers, and next year’s after', async () => {
    const email = 'gardener@example.org';
    await requestAndConfirm(email);
    const row = (await rowOf(email))!;
    expect(row.status).toBe('active');
    const expected = dueFor({ config, clock: () => new Date() }, { month: 9, day: 25 }, AB);
    expect(row.due_day).toBe(dayKey(expected.day));
    // Midnight in Edmonton (06:00 UTC in September, daylight time), not midnight UTC.
    expect(expected.at.toISOString()).toBe(`${dayKey(expected.day)}T06:00:00.000Z`);
    const consent = await db().selectFrom('consent_ledger').selectAll().where('contact_id', '=', row.contact_id).where('purpose', '=', CARE_PURPOSE).execute();
    expect(consent.map((c) => c.action)).toEqual(['granted']);
    expect(consent[0]!.form_id).toBe('care-reminder@1');

    // Already the 25th in UTC, still the 24th in Edmonton: nothing yet.
    expect(await sendDueCareReminders(services(`${dayKey(expected.day)}T05:59:00Z`))).toBe(0);
    const at = `${dayKey(expected.day)}T06:00:00Z`;
    const [a, b] = await Promise.all([sendDueCareReminders(services(at)), sendDueCareReminders(services(at))]);
    expect(a + b).toBe(1);
    expect(await sendDueCareReminders(services(`${dayKey(expected.day)}T18:00:00Z`))).toBe(0);
    const sent = await remindersTo(email);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toBe('Reminder: Lift before hard frost');
    expect(sent[0]!.text_body).toContain('/products/dahlia-cafe-au-lait/');
    expect(sent[0]!.headers).toMatch(/List-Unsubscribe-Post/);
    expect(sent[0]!.text_body).toContain(`/care-reminders/remove?id=${row.id}&sig=${removalSignature(SECRET, row.id)}`);
    // It comes back next year on the same day.
    expect((await rowOf(email))!.due_day).toBe(dayKey({ ...expected.day, year: expected.day.year + 1 }));
  });

  it('moves the date for the customer’s province, and writes in the language it was asked in', async () => {
    const email = 'jardinier@example.org';
    const confirmation = await requestAndConfirm(email, { region: 'CA-BC' }, '/fr');
    expect(confirmation.parsed.subject).toBe('Confirmez votre rappel\u00a0: Arracher avant les gels importants');
    const row = (await rowOf(email))!;
    // British Columbia's first frost is 40 days after Alberta's: September 25 becomes November 4.
    expect(row.due_day).toMatch(/-11-04$/);
    await sendDueCareReminders(services(`${row.due_day}T07:00:00Z`));
    const [mail] = await remindersTo(email);
    expect(mail!.subject).toBe('Rappel\u00a0: Arracher avant les gels importants');
    expect(mail!.text_body).toContain('/fr/products/dahlia-cafe-au-lait/');
    expect(mail!.text_body).toContain('Colombie-Britannique');
  });

  it('sets a signed-in customer’s reminder at once and lists it on the account page, where it is removed', async () => {
    const email = 'member@example.org';
    const { contact, cookie } = await customer(email);
    const asked = await served.client.post(
      '/care-reminders',
      { subject: 'faq:when-to-plant-tulips', date: '9-20', region: 'CA-AB', email },
      { headers: { cookie } },
    );
    expect(asked.headers.location).toBe('/account/?saved=care-reminder');
    const row = (await rowOf(email))!;
    expect(row.status).toBe('active');
    expect(await db().selectFrom('mail_outbox').select('id').where('to_address', '=', email).execute()).toEqual([]);
    const page = load((await served.client.get('/account/', { cookie })).text);
    const section = page('#account-care').parent();
    expect(section.text()).toContain('Plant tulips');
    expect(section.find('a[href="/faq/when-to-plant-tulips/"]').length).toBe(1);
    expect(section.find('form[action="/care-reminders/remove"] input[name="id"]').attr('value')).toBe(row.id);
    expect(JSON.stringify(await exportPerson(db(), personalDeclarations(config), contact.id))).toContain('Plant tulips');

    const removed = await served.client.post(
      '/care-reminders/remove',
      { id: row.id, sig: removalSignature(SECRET, row.id) },
      { traps: false, headers: { cookie } },
    );
    expect(removed.status).toBe(303);
    expect(removed.headers.location).toBe('/care-reminders/removed');
    expect(await rowOf(email)).toBeUndefined();
    const ledger = await db()
      .selectFrom('consent_ledger')
      .select('action')
      .where('contact_id', '=', contact.id)
      .where('purpose', '=', CARE_PURPOSE)
      .orderBy('created_at')
      .execute();
    expect(ledger.map((l) => l.action)).toEqual(['granted', 'withdrawn']);
  });

  it('removes a reminder in one click from the mail’s header, and sends nothing after', async () => {
    const email = 'one-click@example.org';
    await requestAndConfirm(email);
    const row = (await rowOf(email))!;
    expect((await served.client.get(`/care-reminders/remove?id=${row.id}&sig=${removalSignature(SECRET, row.id)}`)).status).toBe(200);
    expect((await served.client.get(`/care-reminders/remove?id=${row.id}&sig=${'x'.repeat(22)}`)).status).toBe(400);
    const res = await fetch(new URL(`/care-reminders/remove?id=${row.id}&sig=${removalSignature(SECRET, row.id)}`, served.client.base), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    expect(await rowOf(email)).toBeUndefined();
    expect(await sendDueCareReminders(services(`${row.due_day}T12:00:00Z`))).toBe(0);
    expect(await remindersTo(email)).toEqual([]);
  });

  it('is due in January when asked on December 20, across the year end', async () => {
    const { contact } = await customer('winter@example.org');
    const asked = new Date('2026-12-20T18:00:00Z');
    const due = dueFor({ config, clock: () => asked }, { month: 1, day: 15 }, AB);
    expect(dayKey(due.day)).toBe('2027-01-15');
    const id = randomUUID();
    await db()
      .insertInto('care_reminders')
      .values({
        id,
        contact_id: contact.id,
        subject: JANUARY.subject,
        what: 'Bring the pots in',
        care_month: 1,
        care_day: 15,
        country: 'CA',
        region: 'AB',
        status: 'active',
        language: 'en-CA',
        created_at: asked.toISOString(),
        confirmed_at: asked.toISOString(),
        due_at: due.at.toISOString(),
        due_day: dayKey(due.day),
      })
      .execute();
    // Midnight on January 15 in Edmonton, hours after midnight UTC (the zone's offset then comes from the platform's time zone data).
    expect(due.at.getTime() - Date.parse('2027-01-15T00:00:00Z')).toBeGreaterThanOrEqual(6 * 3_600_000);
    expect(await sendDueCareReminders(services('2027-01-15T00:00:00Z'))).toBe(0);
    expect(await sendDueCareReminders(services(new Date(due.at.getTime() - 60_000)))).toBe(0);
    expect(await sendDueCareReminders(services(due.at))).toBe(1);
    expect((await remindersTo('winter@example.org')).map((m) => m.subject)).toEqual(['Reminder: Bring the pots in']);
    expect((await db().selectFrom('care_reminders').select('due_day').where('id', '=', id).executeTakeFirstOrThrow()).due_day).toBe('2028-01-15');
  });

  it('stops a reminder whose page left the site, with a line on the account page', async () => {
    const email = 'orphan@example.org';
    const { cookie } = await customer(email);
    await served.client.post('/care-reminders', { subject: DAHLIA, date: '5-25', region: 'CA-AB', email }, { headers: { cookie } });
    const row = (await rowOf(email))!;
    const withoutDahlia = careDatesOf([...subjects.filter((s) => s.subject !== DAHLIA), JANUARY]);
    expect(await sendDueCareReminders(services(`${row.due_day}T12:00:00Z`, withoutDahlia))).toBe(0);
    expect((await rowOf(email))!.status).toBe('ended');
    expect(await remindersTo(email)).toEqual([]);
    const page = load((await served.client.get('/account/', { cookie })).text);
    expect(page('#account-care').parent().text()).toContain('Stopped: this page is no longer on our site');
  });

  it('sends nothing to an erased person or an address marked erased, nor to an unconfirmed request', async () => {
    const erased = 'erased-gardener@example.org';
    const marked = 'marked-gardener@example.org';
    const unconfirmed = 'unconfirmed-gardener@example.org';
    await requestAndConfirm(erased);
    await requestAndConfirm(marked);
    await served.client.post('/care-reminders', { subject: DAHLIA, date: LIFT, region: 'CA-AB', email: unconfirmed });
    const due = (await rowOf(marked))!.due_day!;
    const erasedId = (await rowOf(erased))!.contact_id;
    expect(await erasePerson(db(), personalDeclarations(config), erasedId, { remember: { secret: SECRET } })).toBe('erased');
    expect(await db().selectFrom('care_reminders').select('id').where('contact_id', '=', erasedId).execute()).toEqual([]);
    const markedRow = (await rowOf(marked))!;
    await db()
      .insertInto('erased_addresses')
      .values({ hash: erasedAddressHash(SECRET, marked), contact_id: markedRow.contact_id, erased_at: new Date().toISOString() })
      .execute();
    await sendDueCareReminders(services(`${due}T12:00:00Z`));
    expect(await remindersTo(erased)).toEqual([]);
    expect(await remindersTo(marked)).toEqual([]);
    expect(await remindersTo(unconfirmed)).toEqual([]);
    expect(await rowOf(marked)).toBeUndefined();
    // The unconfirmed request is gone once its link expired.
    expect(await rowOf(unconfirmed)).toBeUndefined();
  });

  it('answers hostile posts with a 4xx and a message, never a crash', async () => {
    for (const fields of [
      { subject: 'product:NOPE-404', date: LIFT, region: 'CA-AB', email: 'a@example.org' },
      { subject: DAHLIA, date: '2-30', region: 'CA-AB', email: 'a@example.org' },
      { subject: DAHLIA, date: 'soon', region: 'CA-AB', email: 'a@example.org' },
      { subject: DAHLIA, date: LIFT, region: 'FR-IDF', email: 'a@example.org' },
      { subject: '<script>', date: LIFT, region: 'CA-AB', email: 'a@example.org' },
      { subject: DAHLIA, date: LIFT, region: 'CA-AB', email: 'not-an-address' },
    ]) {
      const answer = await served.client.post('/care-reminders', fields);
      expect(answer.status, JSON.stringify(fields)).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    }
    expect((await served.client.post('/care-reminders/confirm', { token: 'x'.repeat(43) }, { traps: false })).status).toBe(400);
    expect((await served.client.post('/care-reminders/remove', { id: randomUUID(), sig: 'x'.repeat(22) }, { traps: false })).status).toBe(400);
    const malformed = await served.client.post('/care-reminders/remove', { id: 'nope', sig: '' }, { traps: false });
    expect(malformed.status).toBeGreaterThanOrEqual(400);
    expect(malformed.status).toBeLessThan(500);
    expect((await served.client.get('/care-reminders/confirm?token=nonsense')).status).toBe(400);
  });
});
