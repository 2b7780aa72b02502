import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { raw } from '../helpers/form-client.ts';
import { orderRow } from '../helpers/orders.ts';
import { smtpSink, waitFor, type ReceivedMail } from '../helpers/smtp-sink.ts';
import { signedIn } from '../helpers/staff.ts';
import { drivers } from '../helpers/store-drivers.ts';

const distDir = inject('referenceBuild');
const SECRET = 'test-secret-0123456789-0123456789-abcdef';
// The server starts on 20 November 2026 (its clock moving on from there; the last test moves it past the year end).
const NOW = Date.parse('2026-11-20T15:00:00.000Z');

/**
 * Win-back notes from the console (features/winback): one personal note at a time to a good
 * customer who stopped buying, in their language, only within consent, once per form, with
 * one-click unsubscribe; the timeline and the audit log record it; the template per language.
 */
describe.each(drivers)('win-back notes on $name', (driver) => {
  let running: RunningServer;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let tmp: string;
  let base: string;
  let service: Awaited<ReturnType<typeof signedIn>>;
  let editor: Awaited<ReturnType<typeof signedIn>>;
  let admin: Awaited<ReturnType<typeof signedIn>>;
  const ids: Record<string, string> = {};
  const db = () => running.store.db;
  const started = Date.now();
  let shift = 0;
  const clock = () => new Date(NOW + shift + (Date.now() - started));

  const get = (p: string, who: { cookie: string }) => raw(base + p, { headers: { cookie: who.cookie } });
  const post = (p: string, fields: Record<string, string>, who: { cookie: string }) =>
    raw(base + p, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, cookie: who.cookie },
      body: new URLSearchParams(fields).toString(),
    });
  const notePage = (name: string) => `/admin/crm/winback/${ids[name]}`;
  /** The note page's form as drawn: its key, subject and text. */
  const drawnForm = async (name: string) => {
    const answer = await get(notePage(name), service);
    expect(answer.status).toBe(200);
    const $ = load(answer.text);
    return { key: $('input[name=key]').val() as string, subject: $('#winback-subject').val() as string, body: $('#winback-body').text(), $ };
  };
  const mailTo = (email: string) => sink.received.filter((m) => m.to.includes(email));
  const header = (m: ReceivedMail, name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'im').exec(m.raw)?.[1]?.trim();
  const notes = (name: string) => db().selectFrom('winback_notes').selectAll().where('contact_id', '=', ids[name]!).execute();

  async function customer(name: string, lastOrder: string, language: string | null = null) {
    const id = randomUUID();
    const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${id.slice(0, 4)}@example.com`;
    const at = '2020-01-01T00:00:00.000Z';
    await db().insertInto('contacts').values({ id, email, name, organisation: null, kind: 'customer', created_at: at, updated_at: at, language }).execute();
    await db()
      .insertInto('orders')
      .values(orderRow({ contactId: id, number: `WB-${driver.name}-${id.slice(0, 6)}`, status: 'delivered', subtotalCents: 20_000, at: lastOrder }))
      .execute();
    ids[name] = id;
    return email;
  }
  const emails: Record<string, string> = {};

  beforeAll(async () => {
    await driver.setup();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-winback-'));
    sink = await smtpSink();
    running = await startServer({
      distDir,
      port: 0,
      host: '127.0.0.1',
      store: driver.options(),
      secret: SECRET,
      projectRoot: tmp,
      clock,
      mail: { smtpUrl: `smtp://127.0.0.1:${sink.port}`, intervalMs: 100, outbox: { baseDelayMs: 100 } },
    });
    base = serverUrl(running.server);
    service = await signedIn(db(), 'service', undefined, clock);
    editor = await signedIn(db(), 'editor', undefined, clock);
    admin = await signedIn(db(), 'admin', undefined, clock);
    // Lapsed (one season only, 18 months and more ago) and within the 24 months of implied consent.
    emails.gwen = await customer('Gwen Oakes', '2025-03-10T17:00:00.000Z', 'fr-CA');
    emails.olga = await customer('Olga Once', '2025-04-02T17:00:00.000Z');
    // Last bought in January 2024: implied consent ended in January 2026.
    emails.edna = await customer('Edna Expired', '2024-01-05T17:00:00.000Z');
    emails.erin = await customer('Erin Erased', '2025-02-01T17:00:00.000Z');
    // Bought on New Year's Eve 2024 at 20:00 in Alberta (the shop's time zone), 03:00 UTC on 1 January 2025.
    emails.yves = await customer('Yves Yearend', '2025-01-01T03:00:00.000Z');
  });
  afterAll(async () => {
    await running?.close();
    await sink?.close();
    await rm(tmp, { recursive: true, force: true });
    await driver.teardown();
  });

  it('refuses a role that may not mail customers (the editor) with 403, sending and saving nothing', async () => {
    for (const p of ['/admin/crm/winback', notePage('Olga Once')]) {
      const answer = await get(p, editor);
      expect(answer.status, p).toBe(403);
      expect(answer.text).toContain('does not include newsletter campaigns');
    }
    const send = await post(notePage('Olga Once'), { intent: 'send', key: randomUUID(), subject: 'Hi', body: 'Hello' }, editor);
    expect(send.status).toBe(403);
    const save = await post('/admin/crm/winback', { language: 'en-CA', subject: 'Hi', body: 'Hello' }, editor);
    expect(save.status).toBe(403);
    expect(await notes('Olga Once')).toEqual([]);
    expect(await db().selectFrom('winback_templates').selectAll().execute()).toEqual([]);
    // The lapsed list shows the editor nothing of it (they cannot see segments at all), the service role a link per customer.
    const lapsed = load((await get('/admin/crm/segments/lapsed', service)).text);
    expect(lapsed(`a[href="${notePage('Gwen Oakes')}"]`).text()).toBe('Send a personal note to Gwen Oakes');
    expect(lapsed(`a[href="${notePage('Olga Once')}"]`)).toHaveLength(1);
    const contact = load((await get(`/admin/crm/contacts/${ids['Olga Once']}`, service)).text);
    expect(contact(`a[href="${notePage('Olga Once')}"]`).text()).toBe('Send a personal note');
  });

  it('sends a French customer one note in French, once, even when the form is posted twice at the same time', async () => {
    const form = await drawnForm('Gwen Oakes');
    expect(form.$('#winback-consent').text()).toMatch(/^Yes\. Implied consent from their last purchase, until Mar 10, 2027/);
    // The French template, its placeholders shown to staff.
    expect(form.subject).toBe('Un mot de {shop}');
    expect(form.body).toContain('Bonjour {name},');
    expect(form.key).toMatch(/^[0-9a-f-]{36}$/);

    // The preview is the note as she would read it, and sends nothing.
    const preview = await post(notePage('Gwen Oakes'), { intent: 'preview', key: form.key, subject: form.subject, body: form.body }, service);
    expect(preview.status).toBe(200);
    const $ = load(preview.text);
    expect($('#winback-preview').parent().text()).toContain('Un mot de Chinook');
    expect($('pre').text()).toContain('Bonjour Gwen Oakes,');
    expect($('pre').text()).toContain('le 10 mars 2025');
    expect($('input[name=key]').val()).toBe(form.key);
    expect(await notes('Gwen Oakes')).toEqual([]);

    const fields = { intent: 'send', key: form.key, subject: form.subject, body: `${form.body}\n\nPS: {name}, les dahlias sont arrivés.` };
    const [a, b] = await Promise.all([post(notePage('Gwen Oakes'), fields, service), post(notePage('Gwen Oakes'), fields, service)]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect([a.headers.location, b.headers.location].sort()).toEqual([`${notePage('Gwen Oakes')}?done=already`, `${notePage('Gwen Oakes')}?done=sent`]);
    const mail = await waitFor(() => mailTo(emails.gwen!)[0], 'the note to Gwen');
    expect(mail.parsed.subject).toMatch(/^Un mot de Chinook/);
    const text = String(mail.parsed.text);
    expect(text).toContain('Bonjour Gwen Oakes,');
    expect(text).toContain('PS: Gwen Oakes, les dahlias sont arrivés.');
    expect(text).toContain('Vous recevez ce mot personnel parce que vous avez acheté chez nous.');
    expect(text).not.toContain('{');
    // From the business, replies to the shop, one-click unsubscribe to the French page.
    expect(header(mail, 'From')).toContain('@');
    expect(header(mail, 'List-Unsubscribe')).toMatch(/^<https:\/\/[^>]+\/fr\/unsubscribe\?token=[\w-]+>$/);
    expect(header(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    // Time for a second copy to arrive, if one had been queued.
    await new Promise((r) => setTimeout(r, 800));
    expect(mailTo(emails.gwen!)).toHaveLength(1);
    expect(await notes('Gwen Oakes')).toMatchObject([{ id: form.key, language: 'fr-CA', sent_by: service.email }]);

    // Her timeline and the audit log say who sent what.
    const contact = load((await get(`/admin/crm/contacts/${ids['Gwen Oakes']}`, service)).text);
    const line = contact('tbody tr').filter((_, tr) => contact(tr).text().includes('Personal note sent by'));
    expect(line).toHaveLength(1);
    expect(line.text()).toContain('Personal note sent by Service Person: Un mot de Chinook');
    const audit = await db().selectFrom('audit_log').selectAll().where('action', '=', 'winback.note').where('subject_id', '=', ids['Gwen Oakes']!).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: service.email, subject_type: 'contact' });
    expect(audit[0]!.summary).toContain(`Sent a personal note to ${emails.gwen}: Un mot de Chinook`);
    // The page lists it, and a new form (a new key) is drawn for another note.
    const after = await drawnForm('Gwen Oakes');
    expect(after.key).not.toBe(form.key);
    expect(after.$('main').text()).toContain('Un mot de Chinook Bulb Farm (' + service.email + ')');
  });

  it('stops after a one-click unsubscribe: the page says why and the form sends nothing', async () => {
    const form = await drawnForm('Olga Once');
    expect(form.subject).toBe('A note from {shop}');
    const sent = await post(notePage('Olga Once'), { intent: 'send', key: form.key, subject: 'Hello {name}', body: form.body }, service);
    expect(sent.status).toBe(303);
    const mail = await waitFor(() => mailTo(emails.olga!)[0], 'the note to Olga');
    expect(mail.parsed.subject).toBe('Hello Olga Once');
    expect(String(mail.parsed.text)).toContain('Hello Olga Once,');
    const link = new URL(/^<([^>]+)>$/.exec(header(mail, 'List-Unsubscribe')!)![1]!);
    expect(link.pathname).toBe('/unsubscribe');
    // A mail client's one click: no cookie, no origin.
    const click = await raw(`${base}${link.pathname}${link.search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(click.status).toBe(200);

    const again = await drawnForm('Olga Once');
    expect(again.$('#winback-consent').text()).toBe('No. They unsubscribed from personal notes (win-back), so nothing may be sent to them.');
    expect(again.$(`form[action="${notePage('Olga Once')}"]`)).toHaveLength(0);
    expect(form.$(`form[action="${notePage('Olga Once')}"]`)).toHaveLength(1);
    const refused = await post(notePage('Olga Once'), { intent: 'send', key: randomUUID(), subject: 'Hi again', body: 'Hello' }, service);
    expect(refused.status).toBe(409);
    expect(load(refused.text)('main').text()).toContain('Not sent: They unsubscribed from personal notes');
    expect(await notes('Olga Once')).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(mailTo(emails.olga!)).toHaveLength(1);
  });

  it('sends nothing when implied consent has expired or the person was erased, and says why', async () => {
    const edna = await drawnForm('Edna Expired');
    expect(edna.$('#winback-consent').text()).toBe(
      'No. Implied consent from their last purchase ended on Jan 5, 2026 (24 months after it), and they never signed up to the shop’s mail.',
    );
    const refused = await post(notePage('Edna Expired'), { intent: 'send', key: randomUUID(), subject: 'Hi', body: 'Hello' }, service);
    expect(refused.status).toBe(409);
    expect(load(refused.text)('main').text()).toContain('Not sent: Implied consent from their last purchase ended on Jan 5, 2026');

    const erase = await post(`/admin/crm/privacy/contacts/${ids['Erin Erased']}`, { intent: 'erase', confirm: 'yes' }, admin);
    expect(erase.status).toBeLessThan(400);
    const erin = await get(notePage('Erin Erased'), service);
    expect(erin.status).toBe(200);
    expect(load(erin.text)('#winback-consent').text()).toBe('No. This person was erased at their request: nothing may be sent to them.');
    const none = await post(notePage('Erin Erased'), { intent: 'send', key: randomUUID(), subject: 'Hi', body: 'Hello' }, service);
    expect(none.status).toBe(409);
    expect(await notes('Edna Expired')).toEqual([]);
    expect(await notes('Erin Erased')).toEqual([]);
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.received.filter((m) => m.to.includes(emails.edna!) || m.to.includes(emails.erin!))).toEqual([]);
    expect(
      await db()
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'winback.note')
        .where('subject_id', 'in', [ids['Edna Expired']!, ids['Erin Erased']!])
        .execute(),
    ).toEqual([]);
  });

  it('saves and audits the template of a language, which the next note starts from', async () => {
    const page = load((await get('/admin/crm/winback', service)).text);
    expect(page('h2').text()).toContain('Template in Canadian French');
    expect(page('#subject-en-CA').val()).toBe('A note from {shop}');
    // The note sent to Gwen is listed.
    expect(page('main table').text()).toContain('Un mot de Chinook Bulb Farm');

    const saved = await post(
      '/admin/crm/winback',
      { language: 'en-CA', subject: 'We miss you, {name}', body: 'Hello {name},\n\nYour last order was on {last order date}.' },
      service,
    );
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/admin/crm/winback?done=saved');
    const audit = await db().selectFrom('audit_log').selectAll().where('action', '=', 'winback.template').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.data!)).toEqual({
      language: 'en-CA',
      old: null,
      new: { subject: 'We miss you, {name}', body: 'Hello {name},\n\nYour last order was on {last order date}.' },
    });
    const same = await post(
      '/admin/crm/winback',
      { language: 'en-CA', subject: 'We miss you, {name}', body: 'Hello {name},\n\nYour last order was on {last order date}.' },
      service,
    );
    expect(same.headers.location).toBe('/admin/crm/winback?done=unchanged');
    expect(await db().selectFrom('audit_log').select('id').where('action', '=', 'winback.template').execute()).toHaveLength(1);
    const yves = await drawnForm('Yves Yearend');
    expect(yves.subject).toBe('We miss you, {name}');
    // French is untouched.
    expect((await drawnForm('Gwen Oakes')).subject).toBe('Un mot de {shop}');

    for (const [fields, message] of [
      [{ language: 'de-DE', subject: 'x', body: 'y' }, 'Choose one of the site’s languages.'],
      [{ language: 'en-CA', subject: '', body: 'y' }, 'Write a subject.'],
      [{ language: 'en-CA', subject: 'x'.repeat(151), body: 'y' }, 'Keep the subject under 150 characters.'],
    ] as const) {
      const answer = await post('/admin/crm/winback', fields, service);
      expect(answer.status).toBe(400);
      expect(load(answer.text)('main').text()).toContain(message);
    }
  });

  it('answers bad input with a 4xx and a message', async () => {
    expect((await get('/admin/crm/winback/nobody', service)).status).toBe(404);
    expect((await get(`/admin/crm/winback/${'x'.repeat(300)}`, service)).status).toBe(404);
    expect((await get('/admin/crm/winback/%00', service)).status).toBeGreaterThanOrEqual(400);
    for (const [fields, message] of [
      [{ intent: 'send', subject: 'Hi', body: 'Hello' }, 'This form has expired.'],
      [{ intent: 'send', key: 'not-a-key', subject: 'Hi', body: 'Hello' }, 'This form has expired.'],
      [{ intent: 'send', key: randomUUID(), subject: '', body: 'Hello' }, 'Write a subject.'],
      [{ intent: 'send', key: randomUUID(), subject: 'Hi', body: 'x'.repeat(5001) }, 'Keep the note under 5,000 characters.'],
      [{ intent: 'preview', key: randomUUID(), subject: 'Hi', body: '' }, 'Write the note.'],
      [{ intent: 'dance' }, 'Unknown action.'],
    ] as const) {
      const answer = await post(notePage('Yves Yearend'), fields, service);
      expect(answer.status, JSON.stringify(fields).slice(0, 80)).toBe(400);
      expect(load(answer.text)('main').text()).toContain(message);
    }
    expect(await notes('Yves Yearend')).toEqual([]);
  });

  it('counts implied consent to the instant, dated in the shop’s time zone across the year end', async () => {
    // 24 months after 03:00 UTC on 1 January 2025 is 20:00 on 31 December 2026 in Alberta.
    const before = await drawnForm('Yves Yearend');
    expect(before.$('#winback-consent').text()).toContain('Yes. Implied consent from their last purchase, until Dec 31, 2026');
    shift = Date.parse('2027-01-01T03:00:01.000Z') - NOW - (Date.now() - started);
    const staff = await signedIn(db(), 'service', undefined, clock);
    const answer = await get(notePage('Yves Yearend'), staff);
    expect(load(answer.text)('#winback-consent').text()).toContain('No. Implied consent from their last purchase ended on Dec 31, 2026');
    const refused = await post(notePage('Yves Yearend'), { intent: 'send', key: randomUUID(), subject: 'Hi', body: 'Hello' }, staff);
    expect(refused.status).toBe(409);
    expect(await notes('Yves Yearend')).toEqual([]);
  });
});
