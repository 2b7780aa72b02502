import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { load } from 'cheerio';
import { FileSystemConfigLoader, HtmlValidate } from 'html-validate';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RapportConfig } from '../../integrations/rapport/config/schema.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { composePreview } from '../../integrations/rapport/features/newsletter/campaign-preview.ts';
import { readIssues } from '../../integrations/rapport/features/newsletter/issue-file.ts';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { raw, tokenOf, type Answer } from '../helpers/form-client.ts';
import { insertOrderWithLine } from '../helpers/orders.ts';
import { signedIn } from '../helpers/staff.ts';
import { drivers } from '../helpers/store-drivers.ts';

const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const distDir = inject('referenceBuild');
const issues = (
  JSON.parse(readFileSync(path.join(distDir, 'server', 'newsletter-issues.json'), 'utf8')) as {
    issues: { slug: string; title: string; path: string; date: string }[];
  }
).issues;
const built = JSON.parse(readFileSync(path.join(distDir, 'server', 'rapport.json'), 'utf8')) as { config: RapportConfig; site: string };
const validator = new HtmlValidate(new FileSystemConfigLoader());

/** The Campaigns section of the staff console: the issues and lists, an issue's preview, a test to oneself. */
describe.each(drivers)('the Campaigns section of the staff console on $name', (driver) => {
  let tmp: string;
  let running: RunningServer;
  let base: string;
  let service: Awaited<ReturnType<typeof signedIn>>;
  let admin: Awaited<ReturnType<typeof signedIn>>;
  let editor: Awaited<ReturnType<typeof signedIn>>;
  const db = () => running.store.db;
  const newest = [...issues].sort((a, b) => b.date.localeCompare(a.date))[0]!;
  const preview = `/admin/crm/campaigns/${newest.slug}`;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-console-campaigns-'));
    await driver.setup();
    running = await startServer({ distDir, port: 0, host: '127.0.0.1', store: driver.options(), secret: SECRET, projectRoot: tmp });
    base = serverUrl(running.server);
    service = await signedIn(db(), 'service');
    admin = await signedIn(db(), 'admin');
    editor = await signedIn(db(), 'editor');
    // Three confirmed on the newsletter, one who left it, one confirmed on the reminders, one still pending there.
    const now = new Date().toISOString();
    const subscribe = async (email: string, list: string, status: 'pending' | 'confirmed' | 'unsubscribed') => {
      const contact = await upsertContact(db(), { email, name: 'Sub Scriber' });
      await db()
        .insertInto('list_subscriptions')
        .values({ contact_id: contact.id, list, status, created_at: now, confirmed_at: status === 'pending' ? null : now, updated_at: now })
        .execute();
    };
    for (const n of [1, 2, 3]) await subscribe(`reader${n}@example.com`, 'news', 'confirmed');
    await subscribe('gone@example.com', 'news', 'unsubscribed');
    await subscribe('reader1@example.com', 'reminders', 'confirmed');
    await subscribe('waiting@example.com', 'reminders', 'pending');
    // Before any page reads the orders: the console works segments out from a read it keeps for a minute.
    const idOf = async (email: string) => (await db().selectFrom('contacts').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
    // For the segment campaign (last test): reader2 stopped buying (one order, in January 2024: a whole season skipped); reader3 ordered last month.
    await insertOrderWithLine(db(), {
      contactId: await idOf('reader2@example.com'),
      number: '240115-LAPSED',
      status: 'delivered',
      at: '2024-01-15T18:00:00Z',
      subtotalCents: 5000,
    });
    const lastMonth = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await insertOrderWithLine(db(), {
      contactId: await idOf('reader3@example.com'),
      number: '261020-RECENT',
      status: 'delivered',
      at: lastMonth,
      subtotalCents: 5000,
    });
  });
  afterAll(async () => {
    await running?.close();
    await driver.teardown();
    await rm(tmp, { recursive: true, force: true });
  });

  const get = (p: string, who: { cookie: string }) => raw(base + p, { headers: { cookie: who.cookie } });
  const post = (p: string, who: { cookie: string }, fields: Record<string, string> = {}) =>
    raw(base + p, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, cookie: who.cookie },
      body: new URLSearchParams(fields).toString(),
    });
  const valid = async (answer: Answer, name: string) => {
    const report = await validator.validateString(answer.text, name);
    expect(report.results.flatMap((r) => r.messages.map((m) => `${name}:${m.line} ${m.ruleId}: ${m.message}`))).toEqual([]);
  };
  const outboxTo = (email: string) =>
    db().selectFrom('mail_outbox').select(['subject', 'text_body', 'html_body', 'headers']).where('to_address', '=', email).execute();
  const testAudits = () =>
    db().selectFrom('audit_log').select(['actor', 'action', 'subject_type', 'subject_id']).where('action', '=', 'campaign.test').execute();

  it('shows the section to customer service and admins, and refuses editors every page and the test send', async () => {
    for (const who of [service, admin]) {
      const today = await get('/admin/crm/', who);
      expect(load(today.text)('nav a[href="/admin/crm/campaigns"]').text()).toBe('Campaigns');
      expect((await get('/admin/crm/campaigns', who)).status).toBe(200);
    }
    expect(load((await get('/admin/crm/', editor)).text)('nav a[href="/admin/crm/campaigns"]').length).toBe(0);
    for (const p of ['/admin/crm/campaigns', preview, `${preview}/mail`]) {
      const answer = await get(p, editor);
      expect(answer.status, p).toBe(403);
      expect(answer.text).toContain('newsletter campaigns');
    }
    const refused = await post(preview, editor);
    expect(refused.status).toBe(403);
    expect(await outboxTo(editor.email)).toEqual([]);
    expect(await testAudits()).toEqual([]);
  });

  it('lists the issues newest first with their web pages, and the confirmed subscribers of each list', async () => {
    const answer = await get('/admin/crm/campaigns', service);
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('private, no-store');
    await valid(answer, 'campaigns list');
    const $ = load(answer.text);
    const tables = $('main table');
    const issueRows = tables.eq(0).find('tbody tr');
    expect(issueRows.length).toBe(issues.length);
    expect(issues.length).toBeGreaterThan(1);
    const titles = issueRows.map((_, tr) => $(tr).find('td').first().text()).get();
    expect(titles).toEqual([...issues].sort((a, b) => b.date.localeCompare(a.date)).map((i) => i.title));
    expect(issueRows.first().find('a').first().attr('href')).toBe(preview);
    expect(issueRows.first().find(`a[href="${newest.path}"]`).length).toBe(1);
    const counts = Object.fromEntries(
      tables
        .eq(1)
        .find('tbody tr')
        .map((_, tr) => [[$(tr).find('td').first().text().trim(), $(tr).find('td').last().text().trim()]])
        .get() as [string, string][],
    );
    expect(counts).toEqual({ 'The Chinook newsletter': '3', 'Planting reminders': '1' });
    expect($('main').text()).toContain('send it now or at a set time');
  });

  it('previews an issue: subject, sender, list headers, size, the HTML in a sandboxed frame and the text part', async () => {
    const answer = await get(preview, service);
    expect(answer.status).toBe(200);
    await valid(answer, 'campaign preview');
    const $ = load(answer.text);
    const facts = Object.fromEntries(
      $('main dl.facts dt')
        .map((_, dt) => [[$(dt).text(), $(dt).next('dd').text()]])
        .get() as [string, string][],
    );
    expect(facts.Subject).toBe(newest.title);
    expect(facts.From).toContain('@');
    expect(facts['List-Id']).toMatch(/^"?The Chinook newsletter"? <news\./);
    expect(facts['List-Unsubscribe']).toMatch(/^<https?:\/\/[^>]+\/unsubscribe\?token=preview>$/);
    expect(facts['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(facts['Size of the HTML']).toMatch(/^\d+\.\d KB of the 102\.0 KB/);
    const frame = $('main iframe');
    expect(frame.attr('sandbox')).toBe('');
    expect(frame.attr('title')).toContain(newest.title);
    expect(frame.attr('src')).toBe(`${preview}/mail?list=news`);
    const text = $('main pre').text();
    expect(text).toContain(newest.title);
    expect(text).toContain('/unsubscribe?token=preview');
    // A preview hands out no real token.
    expect(await db().selectFrom('tokens').select('hash').where('contact_id', '=', service.contactId).execute()).toEqual([]);

    const other = load((await get(`${preview}?list=reminders`, service)).text);
    expect(other('main dl.facts').text()).toContain('<reminders.');

    const mail = await get(frame.attr('src')!, service);
    expect(mail.status).toBe(200);
    expect(mail.headers['content-type']).toMatch(/^text\/html/);
    expect(mail.headers['content-security-policy']).toBe("sandbox; default-src 'none'; img-src https: data:; style-src 'unsafe-inline'");
    expect(mail.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(mail.headers['cache-control']).toBe('private, no-store');
    const m = load(mail.text);
    expect(m('[style]').length).toBeGreaterThan(5);
    expect(m('style').length).toBe(0);
    expect(m(`a[href$="${newest.path}"]`).length).toBeGreaterThan(0);
    expect(m('script').length).toBe(0);
  });

  it('gives the composer’s message for an issue too long for Gmail, for the page to show instead of a 500', () => {
    const long = {
      slug: 'long',
      title: 'A very long issue',
      description: 'Too long.',
      date: '2026-12-01',
      path: '/newsletter/long/',
      url: '',
      html: `<p>${'Tulips. '.repeat(15_000)}</p>`,
    };
    const answer = composePreview({ config: built.config, site: new URL(built.site) }, long, 'news', 'me@example.com');
    expect(answer.mail).toBeUndefined();
    expect(answer.error).toMatch(/^“A very long issue” is too long to send by e-mail: the message would be \d+ KB and Gmail cuts messages off after 102 KB/);
  });

  it('answers 404 for an unknown issue or list', async () => {
    for (const p of [
      '/admin/crm/campaigns/no-such-issue',
      `${preview}?list=no-such-list`,
      '/admin/crm/campaigns/no-such-issue/mail',
      `${preview}/mail?list=nope`,
    ]) {
      const answer = await get(p, service);
      expect(answer.status, p).toBe(404);
    }
    const missing = await get('/admin/crm/campaigns/no-such-issue', service);
    expect(load(missing.text)('main').text()).toContain('There is no newsletter issue with that name.');
    expect((await post('/admin/crm/campaigns/no-such-issue', service)).status).toBe(404);
    expect(await outboxTo(service.email)).toEqual([]);
  });

  it('sends a test to the staff member with working links for them, audited, and refuses a second within a minute', async () => {
    const sent = await post(preview, service);
    expect(sent.status, sent.text.slice(0, 300)).toBe(303);
    expect(sent.headers.location).toBe(`${preview}?list=news&done=tested`);
    const after = await get(String(sent.headers.location), service);
    expect(load(after.text)('main').text()).toContain(`A test was sent to ${service.email}.`);

    const mails = await outboxTo(service.email);
    expect(mails.length).toBe(1);
    const mail = mails[0]!;
    expect(mail.subject).toBe(`[Test] ${newest.title}`);
    const headers = JSON.parse(mail.headers!) as Record<string, string>;
    const token = tokenOf(headers['List-Unsubscribe']!, '/unsubscribe');
    expect(token).not.toBe('preview');
    expect(tokenOf(mail.html_body!, '/unsubscribe')).toBe(token);
    expect(await testAudits()).toEqual([{ actor: service.email, action: 'campaign.test', subject_type: 'issue', subject_id: newest.slug }]);

    const again = await post(preview, service);
    expect(again.status).toBe(429);
    expect(load(again.text)('main').text()).toContain('less than a minute ago');
    expect((await outboxTo(service.email)).length).toBe(1);
    expect((await testAudits()).length).toBe(1);

    // The one-click link in the test works on the staff member themselves.
    await db()
      .insertInto('list_subscriptions')
      .values({
        contact_id: service.contactId,
        list: 'news',
        status: 'confirmed',
        created_at: new Date().toISOString(),
        confirmed_at: null,
        updated_at: new Date().toISOString(),
      })
      .execute();
    const oneClick = await raw(`${base}/unsubscribe?token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    const status = await db()
      .selectFrom('list_subscriptions')
      .select('status')
      .where('contact_id', '=', service.contactId)
      .where('list', '=', 'news')
      .executeTakeFirstOrThrow();
    expect(status.status).toBe('unsubscribed');
  });

  it('previews and tests an issue in each language it is written in, chosen with a plain form; the console stays English', async () => {
    const written = readIssues(distDir);
    const translated = written.find((i) => i.slug === newest.slug)!;
    const fr = translated.translations!['fr-CA']!;
    const $ = load((await get(preview, service)).text);
    const choice = $('main form.filters select[name=lang]');
    expect(
      choice
        .find('option')
        .map((_, o) => `${$(o).attr('value')} ${$(o).text()}`)
        .get(),
    ).toEqual(['en-CA English', 'fr-CA French']);
    expect(choice.find('option[selected]').attr('value')).toBe('en-CA');

    const answer = await get(`${preview}?lang=fr-CA`, service);
    expect(answer.status).toBe(200);
    await valid(answer, 'campaign preview in French');
    const french = load(answer.text);
    expect(french('html').attr('lang')).toBe('en');
    expect(french('main form.filters select[name=lang] option[selected]').attr('value')).toBe('fr-CA');
    const facts = Object.fromEntries(
      french('main dl.facts dt')
        .map((_, dt) => [[french(dt).text(), french(dt).next('dd').text()]])
        .get() as [string, string][],
    );
    expect(facts.Subject).toBe(fr.title);
    expect(facts['List-Unsubscribe']).toMatch(/^<https?:\/\/[^>]+\/fr\/unsubscribe\?token=preview>$/);
    expect(
      french('main a')
        .filter((_, a) => french(a).text() === 'The issue on the site')
        .attr('href'),
    ).toBe(fr.path);
    expect(french('main pre').text()).toMatch(/Se\s+désabonner/);
    const frame = french('main iframe').attr('src')!;
    expect(frame).toBe(`${preview}/mail?list=news&lang=fr-CA`);
    const mail = load((await get(frame, service)).text);
    expect(mail('html').attr('lang')).toBe('fr-CA');
    expect(mail('body').text()).toContain(fr.title);
    // A language the issue is not written in, and an issue written in one language only: no choice, 404.
    expect((await get(`${preview}?lang=de-DE`, service)).status).toBe(404);
    expect((await get(`${preview}/mail?list=news&lang=de-DE`, service)).status).toBe(404);
    const englishOnly = written.find((i) => !i.translations)!;
    expect(load((await get(`/admin/crm/campaigns/${englishOnly.slug}`, service)).text)('select[name=lang]').length).toBe(0);
    expect((await get(`/admin/crm/campaigns/${englishOnly.slug}?lang=fr-CA`, service)).status).toBe(404);

    // The test in French: the French issue, its links to the French pages, working for this staff member.
    expect(french('main form[method=post] button.secondary').text()).toBe(`Send a test in French to me (${service.email})`);
    const sent = await post(`${preview}?list=news&lang=fr-CA`, admin);
    expect(sent.status, sent.text.slice(0, 300)).toBe(303);
    expect(sent.headers.location).toBe(`${preview}?list=news&lang=fr-CA&done=tested`);
    expect(load((await get(String(sent.headers.location), admin)).text)('main').text()).toContain(`A test in French was sent to ${admin.email}.`);
    const [test] = await outboxTo(admin.email);
    expect(test!.subject).toBe(`[Test] ${fr.title}`);
    expect(test!.html_body).toContain('<html lang="fr-CA">');
    const headers = JSON.parse(test!.headers!) as Record<string, string>;
    expect(tokenOf(headers['List-Unsubscribe']!, '/fr/unsubscribe')).not.toBe('preview');
  });

  describe('sending an issue to a list', () => {
    const sendForm = (fields: Record<string, string | string[]>) => {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
      return raw(base + preview, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, cookie: service.cookie },
        body: body.toString(),
      });
    };
    const campaigns = () => db().selectFrom('campaigns').selectAll().execute();
    let progress = '';

    it('refuses a send without the confirmation, without a list, or at a time that has passed, and changes nothing', async () => {
      const ok = { action: 'send', key: 'refused-form-key-0001', lists: 'news', when: 'now', confirm: 'yes' };
      const cases: Array<[Record<string, string | string[]>, string]> = [
        [{ ...ok, confirm: '' }, 'Tick the box to confirm'],
        [{ ...ok, lists: [] }, 'Choose at least one list'],
        [{ ...ok, lists: 'no-such-list' }, 'Choose at least one of the lists shown'],
        [{ ...ok, when: 'later', at: '2020-01-01T10:00' }, 'That time has passed'],
        [{ ...ok, when: 'later', at: 'soon' }, 'Give the date and time'],
        [{ ...ok, key: 'short' }, 'missing its key'],
      ];
      for (const [fields, message] of cases) {
        const answer = await sendForm(fields);
        expect([400, 422], JSON.stringify(fields)).toContain(answer.status);
        expect(load(answer.text)('.error').text()).toContain(message);
        // The time is asked for, and read, in the business's zone (Alberta's, from its address).
        expect(load(answer.text)('#send-at').parent().text()).toContain('Mountain Time (America/Edmonton)');
        // A space between "At" and the box (the source's line break between them is dropped).
        expect(load(answer.text)('#send-at').get(0)?.prev).toMatchObject({ type: 'text', data: ' ' });
      }
      expect(await campaigns()).toEqual([]);
    });

    it('schedules the send once however often the form is posted, then sends to each confirmed subscriber once', async () => {
      const fields = { action: 'send', key: 'console-form-key-0001', lists: 'news', when: 'now', confirm: 'yes' };
      const [first, second] = [await sendForm(fields), await sendForm(fields)];
      expect(first.status, first.text.slice(0, 400)).toBe(303);
      expect(second.headers.location).toBe(first.headers.location);
      progress = String(first.headers.location);
      expect(progress).toMatch(new RegExp(`^/admin/crm/campaigns/${newest.slug}/sends/[0-9a-f-]{36}$`));
      expect(await campaigns()).toHaveLength(1);
      const audit = await db().selectFrom('audit_log').select(['action', 'summary']).where('action', '=', 'campaign.schedule').execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]!.summary).toContain('to news (about 3 recipients)');

      // The server's job starts it within a second or two and hands the messages to the outbox.
      const end = Date.now() + 15_000;
      while ((await campaigns())[0]!.status !== 'sent' && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
      const [c] = await campaigns();
      expect(c).toMatchObject({ status: 'sent', recipients: 3 });
      const queued = await db().selectFrom('mail_outbox').select('to_address').where('template_id', 'is not', null).execute();
      expect(queued.map((q) => q.to_address).sort()).toEqual(['reader1@example.com', 'reader2@example.com', 'reader3@example.com']);

      const page = await get(progress, service);
      expect(page.status).toBe(200);
      const $ = load(page.text);
      expect($('dl.facts').text()).toContain('Sent');
      expect($('meta[http-equiv="refresh"]').length).toBe(0);
      const figures = Object.fromEntries(
        $('tbody tr')
          .toArray()
          .map((tr) => [$(tr).find('th').text().trim(), $(tr).find('td').last().text().trim()]),
      );
      expect(figures['Recipients when it started']).toBe('3');
      expect(figures['Waiting in the outbox']).toBe('3');
      expect($('svg[role="img"]').length).toBeGreaterThan(0);
      await valid(page, 'campaign-progress.html');
      expect((await get(progress, editor)).status).toBe(403);
      // The Campaigns page lists it.
      expect(load((await get('/admin/crm/campaigns', service)).text)(`a[href="${progress}"]`).length).toBe(1);
      // Sending the issue to the same list again reaches nobody new: refused, nothing sent.
      const again = await sendForm({ ...fields, key: 'console-form-key-0002' });
      expect(again.status).toBe(422);
      expect(load(again.text)('.error').text()).toContain('Nobody would get this');
    });

    it('counts clicks on /r/ links and sends the reader on; an unknown or tampered id is a 404, never a redirect', async () => {
      const links = await db().selectFrom('campaign_links').selectAll().orderBy('position').execute();
      expect(links.length).toBeGreaterThan(1);
      const link = links.find((l) => l.url.startsWith(base) || l.url.startsWith(built.site))!;
      const hop = await raw(`${base}/r/${link.id}`, {});
      expect(hop.status).toBe(302);
      expect(hop.headers.location).toBe(link.url);
      const head = await raw(`${base}/r/${link.id}`, { method: 'HEAD' });
      expect(head.status).toBe(302);
      const tampered = await raw(`${base}/r/${link.id}/ffffffffffffffffffffffff`, {});
      expect(tampered.status).toBe(302);
      const count = await db().selectFrom('campaign_links').select('clicks').where('id', '=', link.id).executeTakeFirstOrThrow();
      expect(count.clicks).toBe(2); // the GETs, not the HEAD
      expect(await db().selectFrom('campaign_reader_events').select('id').execute()).toEqual([]);
      for (const p of [
        '/r/AAAAAAAAAAAA',
        `/r/${link.id.slice(0, 11)}`,
        `/r/${link.id}x`,
        '/r/%2F%2Fevil.example',
        `/r/${encodeURIComponent('https://evil.example/')}`,
      ]) {
        const answer = await raw(base + p, {});
        expect(answer.status, p).toBe(404);
        expect(answer.headers.location, p).toBeUndefined();
      }
      const page = load((await get(progress, service)).text);
      expect(page('main').text()).toContain('Clicks per link');
    });

    it('pauses and cancels from the progress page, audited; a finished campaign cannot be paused', async () => {
      const pause = await post(progress, service, { action: 'pause' });
      expect(pause.status).toBe(409);
      expect(load(pause.text)('.error').text()).toContain('it cannot be paused now');
      const bogus = await post(progress, service, { action: 'explode' });
      expect(bogus.status).toBe(400);
      expect((await post(progress, editor, { action: 'cancel' })).status).toBe(403);
      expect((await campaigns())[0]!.status).toBe('sent');
    });
  });

  it('sends an issue to one segment’s subscribers only: from the segment’s page, with its reach, to whoever is in it when it starts', async () => {
    const issue = issues.find((i) => i.slug !== newest.slug)!;
    const segment = load((await get('/admin/crm/segments/lapsed', service)).text);
    expect(segment('a[href="/admin/crm/campaigns?segment=lapsed"]').text()).toBe('Send a newsletter issue to the subscribers in this segment');
    const choose = load((await get('/admin/crm/campaigns?segment=lapsed', service)).text);
    expect(choose('[role=status]').text()).toContain('Choose the issue to send to the subscribers in “Good customers who stopped buying”');
    const href = `/admin/crm/campaigns/${issue.slug}?segment=lapsed`;
    expect(choose(`a[href="${href}"]`).length).toBe(1);
    const form = await get(href, service);
    await valid(form, 'campaign-segment.html');
    const $ = load(form.text);
    expect($('#send-segment option[selected]').attr('value')).toBe('lapsed');
    expect($('input[name="lists"][value="news"]').parent().text()).toContain('(1 who have not had this issue)');

    const fields = { action: 'send', key: 'segment-form-key-0001', lists: 'news', when: 'now', confirm: 'yes', segment: 'lapsed' };
    const unknown = await post(`/admin/crm/campaigns/${issue.slug}`, service, { ...fields, segment: 'nobody-at-all' });
    expect(unknown.status).toBe(422);
    expect(load(unknown.text)('.error').text()).toContain('Choose one of the segments shown');
    const sent = await post(`/admin/crm/campaigns/${issue.slug}`, service, fields);
    expect(sent.status, sent.text.slice(0, 400)).toBe(303);
    const campaign = () => db().selectFrom('campaigns').selectAll().where('issue_slug', '=', issue.slug).executeTakeFirstOrThrow();
    const end = Date.now() + 15_000;
    while ((await campaign()).status !== 'sent' && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    const c = await campaign();
    expect(c).toMatchObject({ segment: 'lapsed', status: 'sent', recipients: 1 });
    const to = await db().selectFrom('campaign_recipients').select('email').where('campaign_id', '=', c.id).execute();
    expect(to.map((r) => r.email)).toEqual(['reader2@example.com']);
    const audit = await db()
      .selectFrom('audit_log')
      .select('summary')
      .where('action', '=', 'campaign.schedule')
      .where('subject_id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(audit.summary).toContain('to news, only “Good customers who stopped buying” (about 1 recipient)');
    const progress = load((await get(String(sent.headers.location), service)).text);
    expect(progress('dl.facts').text()).toContain('news, only “Good customers who stopped buying”');
  });
});
