import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { load } from 'cheerio';
import { FileSystemConfigLoader, HtmlValidate } from 'html-validate';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { listOutbox } from '../../integrations/rapport/core/mail/outbox-admin.ts';
import type { Insertable } from 'kysely';
import type { MailOutboxTable } from '../../integrations/rapport/core/store/schema.ts';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { formClient, raw, type Answer } from '../helpers/form-client.ts';
import { waitFor } from '../helpers/smtp-sink.ts';
import { signedIn } from '../helpers/staff.ts';
import { drivers } from '../helpers/store-drivers.ts';

const distDir = inject('referenceBuild');
const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const validator = new HtmlValidate(new FileSystemConfigLoader());

/** The console's inboxes: contact-form messages, visitors' questions, outgoing mail. */
describe.each(drivers)('the console inboxes on $name', (driver) => {
  let tmp: string;
  let running: RunningServer;
  let base: string;
  type Who = Awaited<ReturnType<typeof signedIn>>;
  let admin: Who;
  let service: Who;
  let editor: Who;
  let customer: Who;
  const db = () => running.store.db;

  beforeAll(async () => {
    await driver.setup();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-console-inbox-'));
    running = await startServer({
      distDir,
      port: 0,
      host: '127.0.0.1',
      store: driver.options(),
      secret: SECRET,
      projectRoot: tmp,
      rateLimits: { perIp: { points: 10_000, duration: 600 } },
    });
    base = serverUrl(running.server);
    admin = await signedIn(db(), 'admin');
    service = await signedIn(db(), 'service');
    editor = await signedIn(db(), 'editor');
    customer = await signedIn(db(), 'customer');
  });
  afterAll(async () => {
    await running?.close();
    await driver.teardown();
    await rm(tmp, { recursive: true, force: true });
  });

  const get = (p: string, who?: { cookie: string }) => raw(base + p, { headers: who ? { cookie: who.cookie } : {} });
  const post = (p: string, fields: Record<string, string>, who?: { cookie: string }, origin = base) =>
    raw(base + p, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin, ...(who ? { cookie: who.cookie } : {}) },
      body: new URLSearchParams(fields).toString(),
    });
  const audits = (subject: string) => db().selectFrom('audit_log').selectAll().where('subject_id', '=', subject).orderBy('created_at').execute();
  const valid = async (answer: Answer, name: string) => {
    const report = await validator.validateString(answer.text, name);
    expect(report.results.flatMap((r) => r.messages.map((m) => `${name}:${m.line} ${m.ruleId}: ${m.message}`))).toEqual([]);
    expect(gzipSync(answer.text).length).toBeLessThan(30 * 1024);
  };
  const rowsOf = (answer: Answer) => load(answer.text)('main tbody tr');

  describe('messages', () => {
    const email = `lin.${driver.name}@example.com`;
    let id: string;

    it('lists a message sent through the contact form as new, and finds it by name, address or subject', async () => {
      const sent = await formClient(base, SECRET).post('/contact/message', {
        name: 'Lin <b>Birch</b>',
        email,
        kind: 'supplier',
        organisation: 'Red Deer Peat Co.',
        subject: 'Peat-free 100% potting_mix',
        message: 'Could we supply you?\n  We are in Red Deer. <script>alert(1)</script>',
      });
      expect(sent.status).toBe(303);
      const other = await formClient(base, SECRET).post('/contact/message', {
        name: 'Someone Else',
        email: `else.${driver.name}@example.com`,
        subject: 'Opening hours',
        message: 'Are you open on Sundays in May?',
      });
      expect(other.status).toBe(303);
      const activity = await db()
        .selectFrom('activities')
        .innerJoin('contacts', 'contacts.id', 'activities.contact_id')
        .select(['activities.id', 'contacts.id as contactId'])
        .where('contacts.email', '=', email)
        .where('activities.type', '=', 'enquiry')
        .executeTakeFirstOrThrow();
      id = activity.id;

      const list = await get('/admin/crm/messages/', service);
      expect(list.status).toBe(200);
      await valid(list, 'messages list');
      const $ = load(list.text);
      const row = $(`main tbody tr:has(a[href="/admin/crm/messages/${id}"])`);
      expect(row).toHaveLength(1);
      expect(row.find(`a[href="/admin/crm/contacts/${activity.contactId}"]`).text()).toBe(email);
      expect(row.text()).toContain('Peat-free 100% potting_mix');
      expect(row.find('.badge').text()).toBe('New');
      expect(list.text).not.toContain('<b>Birch</b>');

      for (const q of ['PEAT-free', `LIN.${driver.name}@EXAMPLE`, 'lin <b>birch']) {
        const found = rowsOf(await get(`/admin/crm/messages/?q=${encodeURIComponent(q)}`, service));
        expect(found.length, q).toBe(1);
        expect(found.find('a[href^="/admin/crm/messages/"]').attr('href'), q).toBe(`/admin/crm/messages/${id}`);
      }
      // Wildcards are taken literally: "100%" and "_mix" match this subject only, "%" alone nothing else.
      expect(rowsOf(await get(`/admin/crm/messages/?q=${encodeURIComponent('100%')}`, service))).toHaveLength(1);
      expect(rowsOf(await get(`/admin/crm/messages/?q=${encodeURIComponent('y_mix')}`, service))).toHaveLength(0);
      expect(rowsOf(await get(`/admin/crm/messages/?q=${encodeURIComponent('Opening')}`, service)).text()).toContain('Opening hours');
      expect(rowsOf(await get('/admin/crm/messages/?q=zeppelin', service))).toHaveLength(0);
    });

    it('shows the whole message, escaped and with its line breaks, and a reply link', async () => {
      const page = await get(`/admin/crm/messages/${id}`, service);
      expect(page.status).toBe(200);
      await valid(page, 'message page');
      const $ = load(page.text);
      expect($('h1').text()).toBe('Peat-free 100% potting_mix');
      expect($('blockquote').text()).toBe('Could we supply you?\n  We are in Red Deer. <script>alert(1)</script>');
      expect(page.text).not.toContain('<script>alert(1)</script>');
      expect(page.text).toContain('Red Deer Peat Co.');
      expect(page.text).toContain('A supplier');
      expect($('a[href^="mailto:"]').attr('href')).toBe(`mailto:${email}?subject=${encodeURIComponent('Re: Peat-free 100% potting_mix')}`);
      expect(
        $('button[name=status]')
          .map((_, b) => $(b).attr('value'))
          .get(),
      ).toEqual(['answered', 'closed']);
    });

    it('refuses status changes from roles without messages, and cross-site posts, changing nothing', async () => {
      for (const who of [editor, customer]) {
        const refused = await post(`/admin/crm/messages/${id}`, { status: 'answered' }, who);
        expect(refused.status).toBe(403);
      }
      expect((await post(`/admin/crm/messages/${id}`, { status: 'answered' }, service, 'https://evil.example')).status).toBe(403);
      expect((await get('/admin/crm/messages/', editor)).status).toBe(403);
      expect((await get(`/admin/crm/messages/${id}`, customer)).status).toBe(403);
      expect((await get('/admin/crm/messages/')).status).toBe(303);
      expect(await db().selectFrom('message_handling').selectAll().where('activity_id', '=', id).executeTakeFirst()).toBeUndefined();
      expect(await audits(id)).toEqual([]);
    });

    it('marks a message answered: out of the new list, in the answered list with who did it, audited once', async () => {
      const done = await post(`/admin/crm/messages/${id}`, { status: 'answered' }, service);
      expect(done.status).toBe(303);
      expect(done.headers.location).toBe(`/admin/crm/messages/${id}?done=answered`);
      const handling = await db().selectFrom('message_handling').selectAll().where('activity_id', '=', id).executeTakeFirstOrThrow();
      expect([handling.status, handling.handled_by]).toEqual(['answered', service.accountId]);
      const page = await get(done.headers.location!, service);
      expect(page.text).toContain('Marked answered.');
      expect(load(page.text)('dd .badge').text()).toBe('Answered');
      expect(page.text).toContain(`set by ${service.email}`);

      expect(load((await get('/admin/crm/messages/', service)).text)(`a[href="/admin/crm/messages/${id}"]`)).toHaveLength(0);
      const answered = load((await get('/admin/crm/messages/?status=answered', service)).text);
      const row = answered(`main tbody tr:has(a[href="/admin/crm/messages/${id}"])`);
      expect(row.find('.badge').text()).toBe('Answered');
      expect(row.find('td').last().text()).toBe(service.email);

      // The same status again changes nothing and records nothing.
      const again = await post(`/admin/crm/messages/${id}`, { status: 'answered' }, admin);
      expect(again.headers.location).toBe(`/admin/crm/messages/${id}?done=same`);
      const entries = await audits(id);
      expect(entries.map((e) => [e.action, e.actor, e.subject_type])).toEqual([['message.status', service.email, 'message']]);
      expect(entries[0]!.summary).toBe(`Marked the message “Peat-free 100% potting_mix” from ${email} as answered`);
      expect(JSON.parse(entries[0]!.data!)).toEqual({ status: { from: 'new', to: 'answered' } });

      // Closed, then reopened by an admin: new again, and handled by them.
      expect((await post(`/admin/crm/messages/${id}`, { status: 'closed' }, service)).status).toBe(303);
      expect((await post(`/admin/crm/messages/${id}`, { status: 'new' }, admin)).headers.location).toBe(`/admin/crm/messages/${id}?done=new`);
      const reopened = await db().selectFrom('message_handling').selectAll().where('activity_id', '=', id).executeTakeFirstOrThrow();
      expect([reopened.status, reopened.handled_by]).toEqual(['new', admin.accountId]);
      expect(load((await get('/admin/crm/messages/', service)).text)(`a[href="/admin/crm/messages/${id}"]`)).toHaveLength(1);
      expect((await audits(id)).map((e) => e.action)).toEqual(['message.status', 'message.status', 'message.status']);
      const bad = await post(`/admin/crm/messages/${id}`, { status: 'deleted' }, service);
      expect(bad.status).toBe(400);
      expect((await audits(id)).length).toBe(3);
    });

    it('answers 404 for an unknown id and for an activity that is not a message', async () => {
      const notFound = await get('/admin/crm/messages/no-such-message', service);
      expect(notFound.status).toBe(404);
      await valid(notFound, 'message 404');
      const contact = await db().selectFrom('contacts').select('id').where('email', '=', email).executeTakeFirstOrThrow();
      const noteId = randomUUID();
      await db()
        .insertInto('activities')
        .values({ id: noteId, contact_id: contact.id, type: 'note', summary: 'A note', data: null, created_at: new Date().toISOString() })
        .execute();
      expect((await get(`/admin/crm/messages/${noteId}`, service)).status).toBe(404);
      expect((await post(`/admin/crm/messages/${noteId}`, { status: 'closed' }, service)).status).toBe(404);
      expect((await post('/admin/crm/messages/no-such-message', { status: 'closed' }, service)).status).toBe(404);
      expect(await db().selectFrom('message_handling').selectAll().where('activity_id', 'in', [noteId, 'no-such-message']).execute()).toEqual([]);
    });

    it('counts unanswered messages on Today and pages through a long list', async () => {
      const contact = await db().selectFrom('contacts').select('id').where('email', '=', email).executeTakeFirstOrThrow();
      const t0 = Date.parse('2020-01-01T00:00:00Z');
      await db()
        .insertInto('activities')
        .values(
          Array.from({ length: 55 }, (_, i) => ({
            id: randomUUID(),
            contact_id: contact.id,
            type: 'enquiry',
            summary: `Bulk order question ${i}`,
            data: JSON.stringify({ subject: `Bulk order question ${i}`, message: 'How many?', name: 'Lin', organisation: null, kind: null }),
            created_at: new Date(t0 + i * 60_000).toISOString(),
          })),
        )
        .execute();
      const first = await get('/admin/crm/messages/?q=bulk+order', service);
      expect(rowsOf(first)).toHaveLength(50);
      expect(rowsOf(first).first().text()).toContain('Bulk order question 54');
      const next = load(first.text)('a[rel=next]').attr('href');
      expect(next).toBe('/admin/crm/messages/?q=bulk+order&page=2');
      const second = rowsOf(await get(next!, service));
      expect(second).toHaveLength(5);
      expect(second.last().text()).toContain('Bulk order question 0');

      const unanswered = await db()
        .selectFrom('activities')
        .leftJoin('message_handling', 'message_handling.activity_id', 'activities.id')
        .select('activities.id')
        .where('activities.type', '=', 'enquiry')
        .where((eb) => eb.or([eb('message_handling.status', 'is', null), eb('message_handling.status', '=', 'new')]))
        .execute();
      expect(unanswered.length).toBe(57);
      const today = load((await get('/admin/crm/', service)).text);
      const tile = today('.tiles a[href="/admin/crm/messages/"]');
      expect(tile.find('strong').text()).toBe('57');
      expect(tile.attr('class')).toBe('attention');
      expect(load((await get('/admin/crm/', editor)).text)('.tiles a[href="/admin/crm/messages/"]')).toHaveLength(0);
    });
  });

  describe('questions', () => {
    const email = `ann.${driver.name}@example.com`;
    const question = 'Can I plant <i>tulips</i> in October near Lacombe?';
    let id: string;
    let contactId: string;

    it('lists a question asked on the FAQ page for staff and editors; only contact roles get the contact link', async () => {
      const sent = await formClient(base, SECRET).post('/faq/ask', {
        question,
        details: 'My yard is at 12 Secret Lane.\nThe soil is clay.',
        name: 'Ann',
        email,
      });
      expect(sent.status).toBe(303);
      const row = await db().selectFrom('faq_questions').select(['id', 'contact_id']).where('question', '=', question).executeTakeFirstOrThrow();
      id = row.id;
      contactId = row.contact_id!;

      const asService = await get('/admin/crm/questions/', service);
      expect(asService.status).toBe(200);
      await valid(asService, 'questions list');
      const $ = load(asService.text);
      const line = $(`main tbody tr:has(a[href="/admin/crm/questions/${id}"])`);
      expect(line.find(`a[href="/admin/crm/contacts/${contactId}"]`).text()).toBe(email);
      expect(line.text()).toContain(question);
      expect(asService.text).not.toContain('<i>tulips</i>');
      // The private details are on the question's page only.
      expect(asService.text).not.toContain('Secret Lane');

      const asEditor = await get('/admin/crm/questions/', editor);
      expect(asEditor.status).toBe(200);
      const e = load(asEditor.text);
      const editorLine = e(`main tbody tr:has(a[href="/admin/crm/questions/${id}"])`);
      expect(editorLine.text()).toContain(email);
      expect(e('a[href^="/admin/crm/contacts/"]')).toHaveLength(0);
      expect(e('nav[aria-label=Console] a[href="/admin/crm/questions/"]')).toHaveLength(1);
      expect(e('nav[aria-label=Console] a[href="/admin/crm/messages/"]')).toHaveLength(0);
      expect(e('nav[aria-label=Console] a[href="/admin/crm/mail"]')).toHaveLength(0);

      const today = load((await get('/admin/crm/', editor)).text)('.tiles a[href="/admin/crm/questions/"]');
      expect(today.find('strong').text()).toBe('1');
    });

    it('shows staff the question, its asker, its private details, its events and its draft in the content manager', async () => {
      const slug = await waitFor(async () => {
        const q = await db().selectFrom('faq_questions').select('entry_slug').where('id', '=', id).executeTakeFirstOrThrow();
        return q.entry_slug ?? undefined;
      }, 'the draft entry');
      const page = await get(`/admin/crm/questions/${id}`, editor);
      expect(page.status).toBe(200);
      await valid(page, 'question page');
      const $ = load(page.text);
      expect($('blockquote').first().text()).toBe(question);
      expect($('blockquote').last().text()).toBe('My yard is at 12 Secret Lane.\nThe soil is clay.');
      expect(page.text).toContain(email);
      expect($(`a[href="/admin/#/collections/faq/entries/${slug}"]`)).toHaveLength(1);
      expect($('main tbody').text()).toContain('Draft written');
      expect($('form[method=post]').length).toBe(1); // sign-out only: no status changes here

      // Customer service sees the same, linked to the contact, but has no content manager to open.
      const asService = load((await get(`/admin/crm/questions/${id}`, service)).text);
      expect(asService(`a[href="/admin/crm/contacts/${contactId}"]`)).toHaveLength(1);
      expect(asService('a[href^="/admin/#/"]')).toHaveLength(0);
      expect(asService('main').text()).toContain(slug);

      const asCustomer = await get(`/admin/crm/questions/${id}`, customer);
      expect(asCustomer.status).toBe(403);
      expect(asCustomer.text).not.toContain('Secret Lane');
      expect((await get('/admin/crm/questions/', customer)).status).toBe(403);
      expect((await get(`/admin/crm/questions/${id}`)).status).toBe(303);
    });

    it('filters by status, and answers 404 for an unknown question', async () => {
      const waiting = load((await get('/admin/crm/questions/', editor)).text);
      expect(waiting(`a[href="/admin/crm/questions/${id}"]`)).toHaveLength(1);
      expect(load((await get('/admin/crm/questions/?status=published', editor)).text)(`a[href="/admin/crm/questions/${id}"]`)).toHaveLength(0);
      // As a build would report it: published.
      await db().updateTable('faq_questions').set({ status: 'published' }).where('id', '=', id).execute();
      expect(load((await get('/admin/crm/questions/', editor)).text)(`a[href="/admin/crm/questions/${id}"]`)).toHaveLength(0);
      const published = load((await get('/admin/crm/questions/?status=published', editor)).text);
      const slug = (await db().selectFrom('faq_questions').select('entry_slug').where('id', '=', id).executeTakeFirstOrThrow()).entry_slug!;
      expect(published(`main tbody tr:has(a[href="/admin/crm/questions/${id}"]) a[href="/faq/${slug}/"]`)).toHaveLength(1);
      expect(load((await get('/admin/crm/', editor)).text)('.tiles a[href="/admin/crm/questions/"] strong').text()).toBe('0');

      const missing = await get(`/admin/crm/questions/${randomUUID()}`, editor);
      expect(missing.status).toBe(404);
      await valid(missing, 'question 404');
    });
  });

  describe('mail', () => {
    const now = () => new Date().toISOString();
    const outbox = async (row: Partial<Insertable<MailOutboxTable>> & { to_address: string; status: MailOutboxTable['status'] }) => {
      const id = randomUUID();
      await db()
        .insertInto('mail_outbox')
        .values({
          id,
          subject: `Your order for ${row.to_address}`,
          text_body: 'SECRET BODY TEXT',
          html_body: '<p>SECRET BODY HTML</p>',
          headers: null,
          attempts: 0,
          next_attempt_at: now(),
          last_error: null,
          created_at: now(),
          sent_at: null,
          ...row,
        })
        .execute();
      return id;
    };
    let failed: string;

    it('says in one sentence that a status holds no mail: no empty table, no pager', async () => {
      const $ = load((await get('/admin/crm/mail?status=sending', service)).text);
      expect($('main table')).toHaveLength(0);
      expect($('main .pager')).toHaveLength(0);
      expect($('a[aria-current=page]').last().text()).toBe('Being sent (0)');
      expect($('main nav + p').text()).toBe('No mail is being sent right now.');
    });

    it('shows failed mail with its error, never a body, with counts per status', async () => {
      failed = await outbox({
        to_address: 'bounce@example.com',
        status: 'failed',
        attempts: 8,
        last_error: '550 5.1.1 <bounce@example.com>: mailbox unavailable',
      });
      const stuck = await outbox({ to_address: 'stuck@example.com', status: 'sending', attempts: 1, next_attempt_at: '2020-01-01T00:00:00.000Z' });
      const busy = await outbox({ to_address: 'busy@example.com', status: 'sending', attempts: 1, next_attempt_at: '2999-01-01T00:00:00.000Z' });
      await outbox({ to_address: 'done@example.com', status: 'sent', attempts: 1, sent_at: now() });

      const page = await get('/admin/crm/mail', service);
      expect(page.status).toBe(200);
      await valid(page, 'mail page');
      expect(page.text).not.toMatch(/SECRET BODY/);
      const $ = load(page.text);
      const row = $('main tbody tr:has(td:contains("bounce@example.com"))');
      expect(row.text()).toContain('550 5.1.1 <bounce@example.com>: mailbox unavailable');
      expect(row.find('.badge').text()).toBe('Failed');
      expect(row.find('td.num').text()).toBe('8');
      expect(row.find(`form input[name=id][value="${failed}"]`)).toHaveLength(1);
      expect($(`main tbody form input[value="${stuck}"]`)).toHaveLength(1);
      expect($(`main tbody form input[value="${busy}"]`)).toHaveLength(0);
      expect($('main tbody').text()).not.toContain('done@example.com');
      // Failed first.
      expect($('main tbody tr').first().text()).toContain('bounce@example.com');
      const counts = await db().selectFrom('mail_outbox').select(['status']).where('status', '=', 'failed').execute();
      expect($('a[href="/admin/crm/mail?status=failed"]').text()).toBe(`Failed (${counts.length})`);
      expect($('a[href="/admin/crm/mail?status=sending"]').text()).toBe('Being sent (2)');

      const sent = load((await get('/admin/crm/mail?status=sent', service)).text);
      expect(sent('main tbody').text()).toContain('done@example.com');
      expect(sent('main tbody form')).toHaveLength(0);
      const sentCount = (await db().selectFrom('mail_outbox').select('id').where('status', '=', 'sent').execute()).length;
      expect(sentCount).toBeGreaterThan(0);
      expect(sent('a[aria-current=page]').last().text()).toBe(`Sent (${sentCount})`);
    });

    it('refuses roles without mail', async () => {
      expect((await get('/admin/crm/mail', editor)).status).toBe(403);
      expect((await get('/admin/crm/mail', customer)).status).toBe(403);
      expect((await post('/admin/crm/mail', { id: failed }, editor)).status).toBe(403);
      expect((await db().selectFrom('mail_outbox').select('status').where('id', '=', failed).executeTakeFirstOrThrow()).status).toBe('failed');
      expect(await audits(failed)).toEqual([]);
    });

    it('sends a failed message again: pending, fresh attempts, audited', async () => {
      const done = await post('/admin/crm/mail', { id: failed, status: 'failed' }, service);
      expect(done.status).toBe(303);
      expect(done.headers.location).toBe('/admin/crm/mail?status=failed&done=queued');
      const row = await db().selectFrom('mail_outbox').selectAll().where('id', '=', failed).executeTakeFirstOrThrow();
      expect([row.status, row.attempts]).toEqual(['pending', 0]);
      const page = await get(done.headers.location!, service);
      expect(page.text).toContain('Back in the queue');
      const entries = await audits(failed);
      expect(entries.map((e) => [e.action, e.actor, e.subject_type])).toEqual([['mail.retry', service.email, 'mail']]);
      expect(entries[0]!.summary).toBe('Sent “Your order for bounce@example.com” to bounce@example.com again (it had failed)');
    });

    it('refuses to send again a sent message, an unknown one or a made-up id', async () => {
      const sent = await outbox({ to_address: 'delivered@example.com', status: 'sent', attempts: 1, sent_at: now() });
      const refused = await post('/admin/crm/mail', { id: sent }, service);
      expect(refused.status).toBe(409);
      expect(refused.text).toContain('has been sent already');
      expect((await db().selectFrom('mail_outbox').select('status').where('id', '=', sent).executeTakeFirstOrThrow()).status).toBe('sent');
      expect((await post('/admin/crm/mail', { id: randomUUID() }, service)).status).toBe(404);
      expect((await post('/admin/crm/mail', { id: sent.slice(0, 8) }, service)).status).toBe(404);
      expect((await post('/admin/crm/mail', { id: "' or 1=1 --" }, service)).status).toBe(404);
      expect(await audits(sent)).toEqual([]);
    });

    it('pages through a long list, across statuses', async () => {
      const t0 = Date.parse('2021-01-01T00:00:00Z');
      for (let i = 0; i < 55; i++)
        await outbox({ to_address: `many${i}@example.com`, status: 'failed', attempts: 8, created_at: new Date(t0 + i * 60_000).toISOString() });
      const first = await get('/admin/crm/mail?status=failed', service);
      expect(rowsOf(first)).toHaveLength(50);
      const next = load(first.text)('a[rel=next]').attr('href');
      expect(next).toBe('/admin/crm/mail?status=failed&page=2');
      const second = rowsOf(await get(next!, service));
      expect(second.length).toBeGreaterThan(0);
      expect(second.length).toBeLessThan(50);
      // An offset runs on from one status into the next: failed, then sending, then pending.
      const all = await listOutbox(db(), { limit: 1000 });
      for (const offset of [0, 3, 49, 55, all.total - 1]) {
        const slice = await listOutbox(db(), { limit: 4, offset });
        expect(slice.entries.map((e) => e.id)).toEqual(all.entries.slice(offset, offset + 4).map((e) => e.id));
        expect(slice.total).toBe(all.total);
      }
      expect(all.entries.map((e) => e.status)).toEqual([...all.entries.map((e) => e.status)].sort((a, b) => order(a) - order(b)));
    });
  });
});

const order = (status: string) => ['failed', 'sending', 'pending'].indexOf(status);
