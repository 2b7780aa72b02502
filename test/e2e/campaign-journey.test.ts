import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { AxeBuilder } from '@axe-core/playwright';
import { FileSystemConfigLoader, HtmlValidate } from 'html-validate';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SESSION_COOKIE } from '../../integrations/rapport/core/security/sessions.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import type { RunningServer } from '../../integrations/rapport/server/serve.ts';
import { launchBrowser, screenshotOnFailure } from '../helpers/browser.ts';
import { raw } from '../helpers/form-client.ts';
import { publishingServer } from '../helpers/publishing-server.ts';
import { waitFor, type ReceivedMail, type smtpSink } from '../helpers/smtp-sink.ts';
import { signedIn } from '../helpers/staff.ts';

const distDir = inject('referenceBuild');

const TITLE = 'Seed potatoes and a winter reading list';
const SLUG = 'seed-potatoes-and-a-winter-reading-list';
/** After the reference site's newest issue, so it heads the console's list. */
const DATE = '2026-11-27';
const SUMMARY = 'Why we are trying seed potatoes next spring, and three books about bulbs to read while the fields sleep under the snow.';
/** The one outside link: the reader's click is counted on the way there. */
const GUIDE = 'https://example.org/prairie-bulb-guide';
/** axe with the rules console.test.ts uses. */
const axe = (page: Page) => new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']);
const serious = (result: Awaited<ReturnType<AxeBuilder['analyze']>>, where: string) =>
  result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${where}: ${v.id} ${v.nodes[0]?.target.join(' ')}`);
const READERS = ['ada.reader@example.com', 'ben.reader@example.com'];
const LEFT = 'gone.reader@example.com';

/**
 * A newsletter issue from the editor's keyboard to a subscriber leaving the list, in real Chromium:
 * written and published in Decap, the live build rebuilt from the content repository; sent from the
 * staff console (JavaScript off) to the `news` list; the mail as it arrived opened in the browser,
 * its link clicked and counted; and the reader unsubscribing in one click as a mail client does it
 * (RFC 8058), which the campaign's figures then show.
 */
describe('a newsletter campaign in Chromium: written in the CMS, sent from the console, read, clicked and left', () => {
  let server: Awaited<ReturnType<typeof publishingServer>>;
  let running: RunningServer;
  let base: string;
  let browser: Browser;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let staff: Awaited<ReturnType<typeof signedIn>>;
  const db = () => running.store.db;
  // Filled in as the journey goes: each step starts where the last one left off.
  let progressPath: string;
  let mail: ReceivedMail;

  beforeAll(async () => {
    // A working copy of this project for the CMS to commit to and rebuild, with a real SMTP sink.
    server = await publishingServer(distDir, 'campaign', { mail: true });
    ({ running, base } = server);
    sink = server.sink!;
    staff = await signedIn(db(), 'service', 'desk@chinookbulbfarm.ca');
    // Two confirmed readers of the newsletter and one who has left it (rows as the subscribe and unsubscribe forms leave them).
    const at = new Date().toISOString();
    for (const [email, status] of [...READERS.map((e) => [e, 'confirmed'] as const), [LEFT, 'unsubscribed'] as const]) {
      const contact = await upsertContact(db(), { email, name: 'Reader' });
      await db()
        .insertInto('list_subscriptions')
        .values({ contact_id: contact.id, list: 'news', status, created_at: at, confirmed_at: at, updated_at: at })
        .execute();
    }
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A context signed in as the staff member (the cookie the sign-in link would have set). */
  async function asStaff(javaScriptEnabled: boolean): Promise<BrowserContext> {
    const context = await browser.newContext({ javaScriptEnabled });
    await context.addCookies([{ name: SESSION_COOKIE, value: staff.cookie.split('=')[1]!, url: base, httpOnly: true, sameSite: 'Lax' }]);
    return context;
  }

  /** The progress page's figure in the row headed `label`. */
  async function figure(page: Page, label: string): Promise<string> {
    return (
      (
        await page
          .locator('tr', { has: page.locator(`th:text-is("${label}")`) })
          .locator('td')
          .textContent()
      )?.trim() ?? ''
    );
  }

  /** Reloads the page until `ready` holds (the page also refreshes itself; a reload is quicker than its 5 s). */
  async function reloadUntil(page: Page, ready: () => Promise<boolean>, what: string, timeoutMs = 20_000) {
    await waitFor(
      async () => {
        await page.reload();
        return (await ready()) || undefined;
      },
      what,
      timeoutMs,
    );
  }

  it('an editor writes the issue in Decap and publishes it; the live build has it', async () => {
    const editor = await signedIn(db(), 'editor', 'words@chinookbulbfarm.ca');
    const context = await browser.newContext();
    await context.addCookies([{ name: SESSION_COOKIE, value: editor.cookie.split('=')[1]!, url: base, httpOnly: true, sameSite: 'Lax' }]);
    const page = await context.newPage();
    screenshotOnFailure(page, 'campaign-journey-cms');
    page.on('dialog', (dialog) => void dialog.accept()); // Decap asks "Are you sure?" before publishing

    await page.goto(`${base}/admin/`);
    // As an editor does it: the Newsletter collection, then its New button (a deep link to the new
    // entry can lose the race with Decap's first route on a busy machine and land on Pages).
    await page.goto(`${base}/admin/`);
    await page.click('a[href="#/collections/newsletter"]', { timeout: 90_000 });
    await page.click('a[href="#/collections/newsletter/new"]');
    await page.waitForSelector('input[id^="title-field"]');
    await page.fill('input[id^="title-field"]', TITLE);
    await page.fill('input[id^="summary-field"]', SUMMARY);
    await page.fill('input[id^="date-field"]', DATE);
    expect(await page.inputValue('input[id^="date-field"]')).toBe(DATE);
    // The optional image is left empty: Decap saves it so (its inner fields are optional while it is).
    // The body written as Markdown, so the link is exactly what the editor typed.
    // (The French side is beside it, left empty: the issue is published in English only.)
    await page.getByRole('switch').first().click(); // Rich Text → Markdown
    await page.locator('[data-slate-editor]').first().click();
    await page.keyboard.type(`Hello from the farm,\n\nThis winter we are reading the [Prairie bulb guide](${GUIDE}) and planning a row of seed potatoes.`);
    await page.click('button:text-is("Save")');
    await page.waitForSelector('text=Changes saved');
    await page.click('text=Status: Draft');
    await page.click('text=Ready');
    await page.waitForSelector('text=Status: Ready');
    await page.click('text=Publish');
    await page.click('text=Publish now');
    await page.waitForSelector('text=Entry published', { timeout: 30_000 });
    await context.close();

    const log = execFileSync('git', ['log', '-1', '--format=%an|%s'], { cwd: server.project, encoding: 'utf8' });
    expect(log).toMatch(new RegExp(`^Editor Person\\|.*newsletter/${SLUG}`));
    // The issue in English only: its French side, left empty, is not a translation (no French file, no French page).
    const files = execFileSync('git', ['ls-tree', '--name-only', 'HEAD', 'content/newsletter/'], { cwd: server.project, encoding: 'utf8' });
    expect(files).toContain(`content/newsletter/${SLUG}.en.md`);
    expect(files).not.toContain(`content/newsletter/${SLUG}.fr.md`);
    await waitFor(() => (running.publishing?.status.state === 'live' ? true : undefined), 'the new build to go live', 180_000);
    const archive = await raw(`${base}/newsletter/${SLUG}/`);
    expect(archive.status).toBe(200);
    expect(archive.text).toContain(`href="${GUIDE}"`);
  });

  it('a staff member (JavaScript off) finds the issue, sends it to the news list now, and watches it go out', async () => {
    const context = await asStaff(false);
    const page = await context.newPage();
    screenshotOnFailure(page, 'campaign-journey-send');
    await page.goto(`${base}/admin/crm/campaigns`);
    await page.getByRole('link', { name: TITLE, exact: true }).click();
    await page.waitForURL(`${base}/admin/crm/campaigns/${SLUG}`);
    expect(await page.textContent('h1')).toBe('Campaign preview');
    const facts = (await page.textContent('dl.facts')) ?? '';
    expect(facts).toContain(TITLE);
    expect(facts).toContain('List-Unsubscribe=One-Click');
    // The two confirmed readers; the one who left is not counted.
    const news = page.locator('label', { has: page.locator('input[name=lists][value=news]') });
    expect(await news.textContent()).toContain('(2 who have not had this issue)');

    await page.check('input[name=lists][value=news]');
    await page.uncheck('input[name=lists][value=reminders]');
    await page.check('input[name=when][value=now]');
    await page.check('input[name=confirm]');
    await page.click(`button:text-is("Send “${TITLE}”")`);
    await page.waitForURL(new RegExp(`/admin/crm/campaigns/${SLUG}/sends/[^/?]+$`));
    progressPath = new URL(page.url()).pathname;

    // Until it is sent, the page refreshes itself (no JavaScript needed); once sent it stops.
    const status = async () => (await page.textContent('dl.facts dd strong'))?.trim();
    const refreshes = () => page.locator('meta[http-equiv=refresh]').count();
    expect(await refreshes()).toBe((await status()) === 'Sent' ? 0 : 1);
    await reloadUntil(
      page,
      async () => (await status()) === 'Sent' && (await figure(page, 'Accepted by the mail server')) === '2',
      'the campaign to be sent and accepted',
    );
    expect(await refreshes()).toBe(0);
    expect(await figure(page, 'Recipients when it started')).toBe('2');
    expect(await figure(page, 'Waiting in the outbox')).toBe('0');
    expect(await figure(page, 'Unsubscribed after it')).toBe('0');
    expect(await page.locator(`a[href="${GUIDE}"]`).count()).toBe(1);

    const got = sink.received.filter((m) => m.parsed.subject === TITLE);
    expect(got.map((m) => m.to[0]).sort()).toEqual(READERS);
    mail = got.find((m) => m.to[0] === READERS[0])!;
    // What the editor wrote, in the plain-text part too (wrapped at 78 columns there).
    expect(String(mail.parsed.text).replace(/\s+/g, ' ')).toContain('] and planning a row of seed potatoes.');
    await context.close();
  });

  it('the reader opens the mail, clicks the link, and the click is counted', async () => {
    const unsubscribeUrl = /^List-Unsubscribe:\s*<([^>]+)>/im.exec(mail.raw)?.[1];
    expect(unsubscribeUrl).toMatch(/\/unsubscribe\?token=/);
    // The mail's links are on the site's public address; in this test that address is this server.
    const site = new URL(unsubscribeUrl!).origin;
    const context = await browser.newContext();
    const reader = await context.newPage();
    screenshotOnFailure(reader, 'campaign-journey-read');
    const visited: string[] = [];
    await context.route(`${site}/**`, async (route) => {
      const url = new URL(route.request().url());
      visited.push(url.pathname);
      const response = await route.fetch({ url: `${base}${url.pathname}${url.search}`, maxRedirects: 0 });
      await route.fulfill({ response });
    });
    // The edge of the world: the outside page the link leads to.
    await context.route(`${GUIDE}`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Prairie bulb guide</title><h1>Prairie bulb guide</h1>' }),
    );
    await reader.setContent(String(mail.parsed.html));
    // The mail itself is read with screen readers too.
    expect(serious(await axe(reader).analyze(), 'the mail')).toEqual([]);
    const link = reader.getByRole('link', { name: 'Prairie bulb guide' });
    const href = (await link.getAttribute('href')) ?? '';
    expect(href).toMatch(new RegExp(`^${site}/r/[A-Za-z0-9_-]{12}$`));
    await link.click();
    await reader.waitForURL(GUIDE);
    expect(await reader.textContent('h1')).toBe('Prairie bulb guide');
    expect(visited).toEqual([new URL(href).pathname]);
    await context.close();

    const staffContext = await asStaff(false);
    const page = await staffContext.newPage();
    screenshotOnFailure(page, 'campaign-journey-clicks');
    await page.goto(base + progressPath);
    const row = page.locator('tr', { has: page.locator(`a[href="${GUIDE}"]`) });
    expect(await row.locator('td.num').textContent()).toBe('1');
    await staffContext.close();
  });

  it('the reader unsubscribes in one click, as a mail client does it, and the figures show it', async () => {
    const unsubscribeUrl = new URL(/^List-Unsubscribe:\s*<([^>]+)>/im.exec(mail.raw)![1]!);
    expect(mail.raw).toMatch(/^List-Unsubscribe-Post:\s*List-Unsubscribe=One-Click\s*$/im);
    // RFC 8058: a POST with this one field, no cookie, no Origin.
    const answer = await raw(`${base}${unsubscribeUrl.pathname}${unsubscribeUrl.search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(answer.status).toBe(200);
    const contact = await db().selectFrom('contacts').select('id').where('email', '=', READERS[0]!).executeTakeFirstOrThrow();
    const subscriptions = await db().selectFrom('list_subscriptions').select(['list', 'status']).where('contact_id', '=', contact.id).execute();
    expect(subscriptions).toEqual([{ list: 'news', status: 'unsubscribed' }]);
    const ledger = await db().selectFrom('consent_ledger').select(['purpose', 'action', 'source']).where('contact_id', '=', contact.id).execute();
    expect(ledger).toContainEqual({ purpose: 'newsletter:news', action: 'withdrawn', source: 'mail:one-click' });
    // The other reader is still subscribed.
    const other = await db()
      .selectFrom('list_subscriptions')
      .innerJoin('contacts', 'contacts.id', 'list_subscriptions.contact_id')
      .select('list_subscriptions.status')
      .where('contacts.email', '=', READERS[1]!)
      .executeTakeFirstOrThrow();
    expect(other.status).toBe('confirmed');

    const context = await asStaff(false);
    const page = await context.newPage();
    screenshotOnFailure(page, 'campaign-journey-unsubscribed');
    await page.goto(base + progressPath);
    expect(await figure(page, 'Unsubscribed after it')).toBe('1');
    await context.close();
  });

  it('passes axe, html-validate and the console’s 30 KB budget on each console page of the journey', async () => {
    const pages = ['/admin/crm/campaigns', `/admin/crm/campaigns/${SLUG}`, progressPath];
    const context = await asStaff(true);
    for (const target of pages) {
      const page = await context.newPage();
      expect((await page.goto(base + target))?.status(), target).toBe(200);
      // The mail preview is a sandboxed frame (no script may run in it, axe's neither); the mail itself is checked as the reader opens it.
      expect(serious(await axe(page).exclude('iframe.mail-frame').analyze(), target)).toEqual([]);
      await page.close();
    }
    await context.close();
    const validator = new HtmlValidate(new FileSystemConfigLoader());
    const problems: string[] = [];
    for (const target of pages) {
      const page = await raw(base + target, { headers: { cookie: staff.cookie } });
      expect(page.status, target).toBe(200);
      expect(gzipSync(page.text).length, target).toBeLessThan(30 * 1024);
      const report = await validator.validateString(page.text, target);
      problems.push(...report.results.flatMap((r) => r.messages.map((m) => `${target}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`)));
    }
    expect(problems).toEqual([]);
  });
});
