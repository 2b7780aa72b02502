import { readFile } from 'node:fs/promises';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { launchBrowser, referenceServer, screenshotOnFailure } from '../helpers/browser.ts';
import { signedIn } from '../helpers/staff.ts';
import { waitFor } from '../helpers/smtp-sink.ts';

const distDir = inject('referenceBuild');
/** Forms refuse posts sent less than 2 s after the page was shown (a bot's speed). */
const HUMAN_PAUSE_MS = 2_100;

/** What axe-core finds serious or critical on the page (the accessibility suite's bar). */
async function seriousViolations(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A person's rights, used alone in Chromium with JavaScript off: every step is a plain form. */
describe('privacy rights in Chromium, without JavaScript', () => {
  let server: Awaited<ReturnType<typeof referenceServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const mailTo = (address: string, subject: RegExp) =>
    waitFor(() => server.sink.received.find((m) => m.to.includes(address) && subject.test(m.parsed.subject ?? '')), `a mail to ${address} about ${subject}`);
  const linkIn = (text: string | undefined, pattern: RegExp) => {
    const match = pattern.exec(text ?? '');
    if (!match) throw new Error(`No ${pattern} link in:\n${text}`);
    return server.local(match[0]);
  };
  /** Presses a button whose answer is a file; resolves with the file's name and parsed JSON. */
  async function download(selector: string) {
    const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
    return {
      name: file.suggestedFilename(),
      data: JSON.parse(await readFile((await file.path())!, 'utf8')) as { person: { email: string; name: string }; tables: Record<string, unknown[]> },
    };
  }

  beforeAll(async () => {
    server = await referenceServer(distDir);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async (test) => {
    context = await browser.newContext({ javaScriptEnabled: false, acceptDownloads: true });
    page = await context.newPage();
    screenshotOnFailure(page, `privacy-${test.task.name}`);
  });
  afterEach(async () => {
    await context?.close();
  });

  it('a customer downloads their data, corrects their name and deletes their account', async () => {
    const email = 'rights.customer@example.com';
    await page.goto(`${server.base}/account/register`);
    await page.fill('input[name=name]', 'Rowan Rights');
    await page.fill('input[name=email]', email);
    await page.waitForTimeout(HUMAN_PAUSE_MS);
    await page.click('form[action="/account/register"] button[type=submit]');
    await page.waitForURL(/\/account\/registered$/);
    const welcome = await mailTo(email, /^Welcome to Chinook Bulb Farm$/);
    await page.goto(linkIn(welcome.parsed.text, /https?:\/\/[^\s"<>]+\/account\/sign-in\/confirm\?token=[\w-]+/));
    await page.click('main button[type=submit]');
    await page.waitForURL(/\/account\/$/);

    // The file, then the same as a page.
    const file = await download('form[action="/account/my-data"] button[value=json]');
    expect(file.name).toMatch(/^chinookbulbfarm\.ca-my-data-\d{4}-\d{2}-\d{2}\.json$/);
    expect(file.data.person).toMatchObject({ email, name: 'Rowan Rights' });
    expect(file.data.tables.accounts).toHaveLength(1);
    await page.click('form[action="/account/my-data"] button[value=html]');
    await page.waitForURL(/\/account\/my-data$/);
    expect(await page.textContent('h1')).toBe('Your information');
    expect(await page.textContent('main')).toContain('Your details');
    expect(await page.textContent('main')).toContain(email);

    // A correction, through the account page's form.
    await page.goto(`${server.base}/account/`);
    await page.fill('form[action="/account/details"] input[name=name]', 'Rowan Righter');
    await page.fill('form[action="/account/details"] input[name=organisation]', 'Prairie Bulbs Club');
    await page.selectOption('form[action="/account/details"] select[name=kind]', 'partner');
    await page.click('form[action="/account/details"] button[type=submit]');
    await page.waitForURL(/\/account\/\?saved=details/);
    expect(await page.textContent('h1')).toBe('Hello, Rowan Righter');
    expect(await page.textContent('#your-information .notice')).toContain('Your details are saved');

    // Deleting: the address typed again and the box ticked.
    await page.fill('form[action="/account/delete"] input[name=email]', email);
    await page.check('form[action="/account/delete"] input[name=confirm]');
    await page.click('form[action="/account/delete"] button[type=submit]');
    await page.waitForURL(/\/account\/deleted$/);
    expect(await page.textContent('h1')).toBe('Your account is deleted');
    expect(await page.textContent('main')).toContain('keyed fingerprint of your e-mail address');
    // Signed out: the account page sends to sign-in.
    await page.goto(`${server.base}/account/`);
    await page.waitForURL(/\/account\/sign-in$/);
    const contact = await server.running.store.db.selectFrom('contacts').select(['name', 'erased_at']).where('email', 'like', 'erased-%').execute();
    expect(contact.some((c) => c.erased_at !== null && c.name === '')).toBe(true);
    expect(await server.running.store.db.selectFrom('contacts').select('id').where('email', '=', email).execute()).toEqual([]);
  });

  it('someone without an account asks for a link from the statement, downloads their data and deletes it', async () => {
    const email = 'rights.subscriber@example.com';
    await upsertContact(server.running.store.db, { email, name: 'Sasha Subscriber' });
    await page.goto(`${server.base}/privacy`);
    await page.click('a[href="/privacy/request"]');
    await page.waitForURL(/\/privacy\/request$/);
    await page.fill('input[name=email]', email);
    await page.waitForTimeout(HUMAN_PAUSE_MS);
    await page.click('form[action="/privacy/request"] button[type=submit]');
    await page.waitForURL(/\/privacy\/request\/sent$/);
    expect(await page.textContent('main')).toContain('If we hold information for this address');

    const mail = await mailTo(email, /^Your information at Chinook Bulb Farm$/);
    await page.goto(linkIn(mail.parsed.text, /https?:\/\/[^\s"<>]+\/privacy\/my-data\?t=[\w-]+/));
    await page.click('form[action="/privacy/my-data"] button[type=submit]');
    await page.waitForURL(/\/privacy\/my-data$/);
    expect(await page.textContent('main')).toContain(email);
    const file = await download('form[action="/privacy/my-data/download"] button[value=json]');
    expect(file.data.person).toMatchObject({ email, name: 'Sasha Subscriber' });

    await page.check('form[action="/privacy/my-data/delete"] input[name=confirm]');
    await page.click('form[action="/privacy/my-data/delete"] button[type=submit]');
    await page.waitForURL(/\/privacy\/deleted$/);
    expect(await page.textContent('h1')).toBe('Your information is deleted');
    expect(await server.running.store.db.selectFrom('contacts').select('id').where('email', '=', email).execute()).toEqual([]);
    // The link's hour ended with the deletion: the page says to ask again.
    await page.goto(`${server.base}/privacy/my-data`);
    expect(await page.textContent('main')).toContain('Ask for a new one');
  });

  it('draws its pages without a serious accessibility problem', async () => {
    const ann = await signedIn(server.running.store.db, 'customer', 'rights.axe@example.com');
    // axe-core runs in the page: this context has JavaScript on (the pages themselves use none).
    const axeContext = await browser.newContext();
    const page = await axeContext.newPage();
    await axeContext.addCookies([{ name: 'rapport_session', value: ann.cookie.split('=')[1]!, url: server.base }]);
    for (const path of ['/account/', '/privacy/request', '/privacy/request/sent', '/privacy/my-data?t=not-a-link', '/account/deleted', '/privacy/deleted']) {
      await page.goto(`${server.base}${path}`);
      expect(await seriousViolations(page), path).toEqual([]);
    }
    await page.goto(`${server.base}/account/`);
    await page.click('form[action="/account/my-data"] button[value=html]');
    await page.waitForURL(/\/account\/my-data$/);
    expect(await seriousViolations(page), 'the data as a page').toEqual([]);
    await axeContext.close();
  });
});
