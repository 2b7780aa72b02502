import { randomUUID } from 'node:crypto';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { AxeBuilder } from '@axe-core/playwright';
import { parse } from 'csv-parse/sync';
import { FileSystemConfigLoader, HtmlValidate } from 'html-validate';
import type { Kysely } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { SESSION_COOKIE } from '../../integrations/rapport/core/security/sessions.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import type { Database, OrderStatus } from '../../integrations/rapport/core/store/schema.ts';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { launchBrowser, screenshotOnFailure, SECRET } from '../helpers/browser.ts';
import { raw } from '../helpers/form-client.ts';
import { smtpSink, waitFor } from '../helpers/smtp-sink.ts';
import { insertOrderWithLine } from '../helpers/orders.ts';
import { signedIn } from '../helpers/staff.ts';

const distDir = inject('referenceBuild');
// The server runs on 20 November 2026 (its clock moves on from there), so the lapsed-customer
// example reads the same whenever the test runs.
const NOW = Date.parse('2026-11-20T15:00:00.000Z');

/** An order as the order form would have left it, on a chosen date. */
async function insertOrder(db: Kysely<Database>, o: { email: string; name: string; at: string; status: OrderStatus; number: string }) {
  const contact = await upsertContact(db, { email: o.email, name: o.name, kind: 'customer' });
  const shipTo = { street: '12 Main St', city: 'Lacombe', region: 'CA-AB', postal: 'T4L 2N3', country: 'CA' };
  return insertOrderWithLine(db, {
    contactId: contact.id,
    number: o.number,
    status: o.status,
    at: o.at,
    subtotalCents: 4_000,
    shippingCents: 950,
    taxCents: 200,
    shipTo,
  });
}

/**
 * The staff console in Chromium, as a shop owner and their customer-service person use it, with
 * JavaScript off and on: sign-in by cookie, the Today page, an order confirmed and shipped (the
 * customer gets the tracking mail), contacts imported from a CSV after a dry run, the contact
 * list exported and opened as CSV, a lapsed customer on a known date, and what each role may not open.
 */
describe('the staff console in Chromium', () => {
  let tmp: string;
  let running: RunningServer;
  let base: string;
  let browser: Browser;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let owner: Awaited<ReturnType<typeof signedIn>>;
  let service: Awaited<ReturnType<typeof signedIn>>;
  let editor: Awaited<ReturnType<typeof signedIn>>;
  let customer: Awaited<ReturnType<typeof signedIn>>;
  const db = () => running.store.db;
  const started = Date.now();
  const clock = () => new Date(NOW + (Date.now() - started));

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-e2e-console-'));
    sink = await smtpSink();
    running = await startServer({
      distDir,
      port: 0,
      host: '127.0.0.1',
      store: { sqliteFile: path.join(tmp, 'crm.sqlite') },
      secret: SECRET,
      projectRoot: tmp,
      clock,
      mail: { smtpUrl: `smtp://127.0.0.1:${sink.port}`, intervalMs: 100 },
    });
    base = serverUrl(running.server);
    owner = await signedIn(db(), 'admin', 'owner@chinookbulbfarm.ca', clock);
    service = await signedIn(db(), 'service', 'desk@chinookbulbfarm.ca', clock);
    editor = await signedIn(db(), 'editor', 'words@chinookbulbfarm.ca', clock);
    customer = await signedIn(db(), 'customer', 'gardener@example.com', clock);
    // Gwen bought every October until 2024; Sam every October up to this one's last (2025).
    for (const [n, at] of ['2022-10-05', '2023-10-07', '2024-10-04'].entries())
      await insertOrder(db(), {
        email: 'gwen.oakes@example.com',
        name: 'Gwen Oakes',
        at: `${at}T17:00:00.000Z`,
        status: 'delivered',
        number: `2210${n}5-GWENA${n + 2}`,
      });
    for (const [n, at] of ['2023-10-10', '2024-10-08', '2025-10-06'].entries())
      await insertOrder(db(), {
        email: 'sam.steady@example.com',
        name: 'Sam Steady',
        at: `${at}T17:00:00.000Z`,
        status: 'delivered',
        number: `2310${n}0-SAMSA${n + 2}`,
      });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.close();
    await sink?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  /** A browser context signed in as this person (the cookie the sign-in link would have set). */
  async function as(who: { cookie: string }, javaScriptEnabled: boolean): Promise<BrowserContext> {
    const context = await browser.newContext({ javaScriptEnabled, acceptDownloads: true });
    await context.addCookies([{ name: SESSION_COOKIE, value: who.cookie.split('=')[1]!, url: base, httpOnly: true, sameSite: 'Lax' }]);
    return context;
  }

  describe.each([
    { mode: 'without JavaScript', javaScriptEnabled: false },
    { mode: 'with JavaScript', javaScriptEnabled: true },
  ])('$mode', ({ javaScriptEnabled }) => {
    const tag = javaScriptEnabled ? 'js' : 'nojs';
    let context: BrowserContext;
    let page: Page;
    beforeEach(async (test) => {
      context = await as(owner, javaScriptEnabled);
      page = await context.newPage();
      screenshotOnFailure(page, `console-${tag}-${test.task.name}`);
    });
    afterEach(async () => {
      await context?.close();
    });

    it('confirms and ships an order from Today to the customer’s tracking mail', async () => {
      const email = `parcel.${tag}@example.com`;
      const number = await insertOrder(db(), {
        email,
        name: 'Pat Parcel',
        at: clock().toISOString(),
        status: 'received',
        number: javaScriptEnabled ? '261120-SHPJSX' : '261120-SHPNJS',
      });
      await page.goto(`${base}/admin/crm/`);
      expect(await page.textContent('h1')).toBe('Today');
      await page.click('a[href="/admin/crm/orders/?status=received"]');
      await page.click(`a[href="/admin/crm/orders/${number}"]`);
      expect(await page.textContent('h1')).toContain(number);
      await page.click('button:has-text("Confirm the order")');
      await page.waitForURL(/done=confirmed/);
      await page.fill('#ship-tracking', 'RA 123 456 785 CA');
      await page.click('button:has-text("Mark shipped")');
      await page.waitForURL(/done=shipped/);
      expect(await page.textContent('[role=status]')).toContain('Marked shipped');
      const mail = await waitFor(() => sink.received.find((m) => m.to.includes(email) && /has shipped/.test(m.parsed.subject ?? '')), 'the tracking mail');
      expect(mail.parsed.text).toContain('RA123456785CA');
      // The packing slip prints without the console's frame.
      await page.click(`a[href="/admin/crm/orders/${number}/slip"]`);
      expect(await page.textContent('body')).toContain('Allium Giganteum');
    });

    it('imports contacts from a CSV after a dry run, with their consent recorded', async () => {
      const email = `imported.${tag}@example.com`;
      const csv = `email,name,kind,consent\n${email},Ida Import,customer,news\nnot-an-address,Bad Row,customer,\n`;
      await page.goto(`${base}/admin/crm/contacts/import`);
      await page.setInputFiles('#import-file', { name: `spring-show-${tag}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.click('button:has-text("Check the file")');
      await page.waitForLoadState('load');
      const report = (await page.textContent('main')) ?? '';
      expect(report).toContain('not-an-address');
      expect(await db().selectFrom('contacts').select('id').where('email', '=', email).executeTakeFirst()).toBeUndefined();
      await page.check('input[name=consent_confirmed]');
      await page.click('button:has-text("Import these")');
      await page.waitForURL(/done=imported/);
      const contact = await db().selectFrom('contacts').select(['id', 'name']).where('email', '=', email).executeTakeFirstOrThrow();
      expect(contact.name).toBe('Ida Import');
      const consent = await db().selectFrom('consent_ledger').select(['purpose', 'form_id']).where('contact_id', '=', contact.id).execute();
      expect(consent).toEqual([{ purpose: 'newsletter:news', form_id: 'import' }]);
    });

    it('exports the contact list as a CSV a spreadsheet opens safely', async () => {
      await upsertContact(db(), { email: `formula.${tag}@example.com`, name: '=HYPERLINK("http://evil.example","Click")', kind: 'supplier' });
      await page.goto(`${base}/admin/crm/contacts/?kind=supplier`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("Download CSV")')]);
      const text = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '');
      const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
      const row = rows.find((r) => r.email === `formula.${tag}@example.com`);
      expect(row?.name).toBe('\'=HYPERLINK("http://evil.example","Click")');
      expect(rows.every((r) => r.kind === 'supplier')).toBe(true);
    });

    it('shows Gwen, who stopped buying, among the lapsed customers, and not Sam', async () => {
      await page.goto(`${base}/admin/crm/segments/lapsed`);
      const text = (await page.textContent('main')) ?? '';
      expect(text).toContain('Gwen Oakes');
      expect(text).not.toContain('Sam Steady');
    });
  });

  it('works every other page and its action without JavaScript: a contact’s notes and tags, a message answered, a failed mail sent again, a staff member added, each in the audit log', async () => {
    const context = await as(owner, false);
    const page = await context.newPage();
    screenshotOnFailure(page, 'console-nojs-tour');
    // A contact who wrote through the contact form, and a mail to them that failed.
    const writer = await upsertContact(db(), { email: 'wren.writer@example.com', name: 'Wren Writer', kind: 'prospect' }, clock);
    const messageId = randomUUID();
    await db()
      .insertInto('activities')
      .values({
        id: messageId,
        contact_id: writer.id,
        type: 'enquiry',
        summary: 'Bulbs for a school garden',
        data: JSON.stringify({ subject: 'Bulbs for a school garden', message: 'Do you give schools a discount on 500 tulips?', name: 'Wren Writer' }),
        created_at: clock().toISOString(),
      })
      .execute();
    await db()
      .insertInto('mail_outbox')
      .values({
        id: randomUUID(),
        to_address: writer.email,
        subject: 'About your school garden',
        text_body: 'Yes.',
        html_body: null,
        headers: null,
        status: 'failed',
        attempts: 8,
        next_attempt_at: clock().toISOString(),
        last_error: '550 mailbox unavailable',
        created_at: clock().toISOString(),
        sent_at: null,
      })
      .execute();

    await page.goto(`${base}/admin/crm/contacts/?q=wren`);
    await page.click('a:has-text("wren.writer@example.com")');
    expect(await page.textContent('main')).toContain('550 mailbox unavailable');
    await page.fill('#contact-notes', 'Teacher at Lacombe Composite; wants 500 tulips in September.');
    await page.click('button:has-text("Save")');
    await page.waitForURL(/done=/);
    await page.fill('#contact-tag', 'School');
    await page.click('button:has-text("Add tag")');
    await page.waitForURL(/done=/);
    const saved = await db().selectFrom('contacts').select('notes').where('id', '=', writer.id).executeTakeFirstOrThrow();
    expect(saved.notes).toBe('Teacher at Lacombe Composite; wants 500 tulips in September.');
    expect(await db().selectFrom('contact_tags').select('tag').where('contact_id', '=', writer.id).execute()).toEqual([{ tag: 'school' }]);

    await page.goto(`${base}/admin/crm/`);
    await page.click('a[href^="/admin/crm/messages/"]');
    await page.click('a:has-text("Bulbs for a school garden")');
    expect(await page.textContent('main')).toContain('Do you give schools a discount on 500 tulips?');
    await page.click('button:has-text("Mark answered")');
    await page.waitForURL(/done=/);
    expect((await db().selectFrom('message_handling').select('status').where('activity_id', '=', messageId).executeTakeFirstOrThrow()).status).toBe('answered');

    await page.goto(`${base}/admin/crm/mail`);
    await page.click('button:has-text("Send again")');
    await page.waitForURL(/done=/);
    await waitFor(() => sink.received.find((m) => m.to.includes(writer.email)), 'the mail sent again');

    await page.goto(`${base}/admin/crm/staff`);
    await page.fill('#staff-email', 'helper@chinookbulbfarm.ca');
    await page.selectOption('#staff-role', 'service');
    await page.click('button:has-text("Add and send a sign-in link")');
    await page.waitForURL(/done=added/);
    await waitFor(() => sink.received.find((m) => m.to.includes('helper@chinookbulbfarm.ca')), 'the new staff member’s sign-in link');

    await page.goto(`${base}/admin/crm/audit`);
    const audit = (await page.textContent('main')) ?? '';
    for (const line of ['Gave helper@chinookbulbfarm.ca the Customer service role', 'wren.writer@example.com']) expect(audit).toContain(line);
    const actions = await db().selectFrom('audit_log').select('action').where('actor', '=', owner.email).execute();
    for (const action of ['contact.update', 'contact.tag', 'message.status', 'mail.retry', 'staff.add']) expect(actions.map((a) => a.action)).toContain(action);
    await context.close();
  });

  it('refuses each role what it may not open, and a customer everything', async () => {
    const cases: Array<[{ cookie: string }, string, number]> = [
      [service, '/admin/crm/staff', 403],
      [service, '/admin/crm/audit', 403],
      [service, '/admin/crm/contacts/import', 403],
      [editor, '/admin/crm/orders/', 403],
      [editor, '/admin/crm/contacts/', 403],
      [editor, '/admin/crm/questions/', 200],
      [customer, '/admin/crm/', 403],
      [service, '/admin/crm/orders/', 200],
    ];
    for (const [who, target, status] of cases) {
      const context = await as(who, false);
      const page = await context.newPage();
      const response = await page.goto(base + target);
      expect(response?.status(), target).toBe(status);
      if (status === 403) expect(await page.textContent('h1')).toBe('Not allowed');
      await context.close();
    }
  });

  const PAGES = [
    '/admin/crm/',
    '/admin/crm/contacts/',
    '/admin/crm/contacts/import',
    '/admin/crm/orders/',
    '/admin/crm/messages/',
    '/admin/crm/questions/',
    '/admin/crm/mail',
    '/admin/crm/segments',
    '/admin/crm/segments/lapsed',
    '/admin/crm/visits',
    '/admin/crm/gaps',
    '/admin/crm/surveys',
    '/admin/crm/surveys/next-season',
    '/admin/crm/staff',
    '/admin/crm/audit',
  ];

  it('reads as sentences: a space wherever text meets a link, a badge or a date on another source line, and statuses in words', async () => {
    const context = await as(owner, false);
    const page = await context.newPage();
    screenshotOnFailure(page, 'console-words');
    const text = async (url: string, selector: string) => {
      await page.goto(base + url);
      return (await page.locator(selector).first().innerText()).replace(/\s+/g, ' ');
    };
    expect(await text('/admin/crm/', '.console-who')).toMatch(/ · Content manager · View site$/);
    expect(await text('/admin/crm/contacts/', 'nav[aria-label="Kinds of contact"]')).toMatch(/^Everyone · Customers · /);
    expect(await text('/admin/crm/contacts/', 'main')).toContain('Download CSV (every contact shown here');
    expect(await text('/admin/crm/orders/221005-GWENA2', 'main > p')).toMatch(/^Delivered Placed Oct 5, 2022, .+\. Packing slip and invoice · /);
    // A contact's orders carry the same status words as the orders list, not the stored ones.
    const gwen = (await db().selectFrom('contacts').select('id').where('email', '=', 'gwen.oakes@example.com').executeTakeFirstOrThrow()).id;
    await page.goto(`${base}/admin/crm/contacts/${gwen}`);
    expect(await page.locator('table:has(th:text-is("Placed")) tbody td:nth-child(3)').allInnerTexts()).toEqual(['Delivered', 'Delivered', 'Delivered']);
    await context.close();
  });

  it('passes axe (no serious or critical violation) on every console page', async () => {
    const context = await as(owner, true);
    const contactId = (await db().selectFrom('contacts').select('id').where('email', '=', 'gwen.oakes@example.com').executeTakeFirstOrThrow()).id;
    for (const target of [...PAGES, `/admin/crm/contacts/${contactId}`, '/admin/crm/orders/221005-GWENA2']) {
      const page = await context.newPage();
      expect((await page.goto(base + target))?.status(), target).toBe(200);
      const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
      const serious = result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${target}: ${v.id} ${v.nodes[0]?.target.join(' ')}`);
      expect(serious).toEqual([]);
      await page.close();
    }
    await context.close();
  });

  it('passes html-validate and stays under 30 KB compressed on every console page', async () => {
    const validator = new HtmlValidate(new FileSystemConfigLoader());
    const contactId = (await db().selectFrom('contacts').select('id').where('email', '=', 'gwen.oakes@example.com').executeTakeFirstOrThrow()).id;
    const problems: string[] = [];
    for (const target of [...PAGES, `/admin/crm/contacts/${contactId}`, '/admin/crm/orders/221005-GWENA2', '/admin/crm/orders/221005-GWENA2/slip']) {
      const page = await raw(base + target, { headers: { cookie: owner.cookie } });
      expect(page.status, target).toBe(200);
      // What the server sends to a browser that accepts gzip, as the compression middleware would make it.
      expect(gzipSync(page.text).length, target).toBeLessThan(30 * 1024);
      const report = await validator.validateString(page.text, target);
      problems.push(...report.results.flatMap((r) => r.messages.map((m) => `${target}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`)));
    }
    expect(problems).toEqual([]);
  });
});
