import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { launchBrowser, referenceServer, screenshotOnFailure } from '../helpers/browser.ts';

const distDir = inject('referenceBuild');
/** Forms refuse posts sent less than 2 s after the page was shown (a bot's speed). */
const HUMAN_PAUSE_MS = 2_100;

describe.each([
  { mode: 'without JavaScript', javaScriptEnabled: false },
  { mode: 'with JavaScript', javaScriptEnabled: true },
])('visitor journeys in Chromium, $mode', ({ javaScriptEnabled }) => {
  let server: Awaited<ReturnType<typeof referenceServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const tag = javaScriptEnabled ? 'js' : 'nojs';
  const mailTo = (address: string, subject: RegExp) => server.mailTo(address, subject);
  const linkIn = (text: string | undefined, path: string) => server.tokenLink(text, path);

  beforeAll(async () => {
    server = await referenceServer(distDir);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async (test) => {
    context = await browser.newContext({ javaScriptEnabled });
    page = await context.newPage();
    screenshotOnFailure(page, `${tag}-${test.task.name}`);
  });
  afterEach(async () => {
    await context?.close();
  });

  it('finds an answer by search', async () => {
    await page.goto(`${server.base}/`);
    await page.fill('#site-search', 'deer');
    if (javaScriptEnabled) {
      // Results appear under the box as the visitor types.
      await page.click('header .search-live li a');
    } else {
      await page.press('#site-search', 'Enter');
      await page.waitForURL(/\/search\?q=deer/);
      await page.click('.results > li:first-child > a');
    }
    await page.waitForURL(/\/faq\/deer-resistant-bulbs\/$/);
    expect(await page.textContent('h1')).toBe('Which bulbs are deer resistant?');
  });

  it('subscribes, confirms from the e-mail, then unsubscribes from the e-mail’s link', async () => {
    const email = `subscriber.${tag}@example.com`;
    await page.goto(`${server.base}/subscribe`);
    await page.fill('input[name=email]', email);
    await page.waitForTimeout(HUMAN_PAUSE_MS);
    await page.click('form[action="/subscribe"] button[type=submit]');
    await page.waitForURL(/\/subscribe\/check-your-inbox$/);

    const confirm = await mailTo(email, /^Confirm your subscription/);
    await page.goto(linkIn(confirm.parsed.text, '/subscribe/confirm'));
    await page.click('main button[type=submit]');
    await page.waitForURL(/\/subscribe\/confirmed$/);
    expect(await page.textContent('h1')).toBe('You are subscribed');

    const welcome = await mailTo(email, /^You are subscribed/);
    await page.goto(linkIn(welcome.parsed.text, '/unsubscribe'));
    await page.click('main button[type=submit]');
    await page.waitForURL(/\/unsubscribe\/done$/);
    expect(await page.textContent('h1')).toBe('You are unsubscribed');
  });

  it('sends a form filled and sent within a second: asked once to press again, then it goes through', async () => {
    const email = `quick.${tag}@example.com`;
    await page.goto(`${server.base}/subscribe`);
    const shownAt = Date.now();
    // As autofill or a password manager would: the whole form at once, then send.
    await page.fill('input[name=email]', email);
    await page.click('form[action="/subscribe"] button[type=submit]');
    await page.waitForSelector('[role=alert]');
    expect(Date.now() - shownAt).toBeLessThan(2_000);
    expect(await page.textContent('[role=alert]')).toContain('press the button again');
    expect(await page.inputValue('input[name=email]')).toBe(email);
    // The second press, at once, is taken.
    await page.click('form[action="/subscribe"] button[type=submit]');
    await page.waitForURL(/\/subscribe\/check-your-inbox$/);
    await mailTo(email, /^Confirm your subscription/);
  });

  it('registers, signs in from the e-mail and sees the account page', async () => {
    const email = `member.${tag}@example.com`;
    await page.goto(`${server.base}/account/register`);
    await page.fill('input[name=name]', 'Maple Lindqvist');
    await page.fill('input[name=email]', email);
    await page.waitForTimeout(HUMAN_PAUSE_MS);
    await page.click('form[action="/account/register"] button[type=submit]');
    await page.waitForURL(/\/account\/registered$/);

    // The address has confirmed nothing yet, so the welcome does not repeat the name typed.
    const welcome = await mailTo(email, /^Welcome to Chinook Bulb Farm$/);
    await page.goto(linkIn(welcome.parsed.text, '/account/sign-in/confirm'));
    await page.click('main button[type=submit]');
    await page.waitForURL(/\/account\/$/);
    expect(await page.textContent('h1')).toBe('Hello, Maple Lindqvist');
    expect(await page.textContent('main')).toContain(email);
  });

  it('puts products in the cart, changes it, sees the totals before sending, and lands on the order page', async () => {
    const email = `shopper.${tag}@example.com`;
    await page.goto(`${server.base}/products/allium-giganteum/`);
    await page.click('main form[action="/cart"] button[type=submit]');
    await page.waitForURL(/\/cart$/);
    await page.goto(`${server.base}/products/tulip-queen-of-night/`);
    await page.fill('main form[action="/cart"] input[name=quantity]', '2');
    await page.click('main form[action="/cart"] button[type=submit]');
    await page.waitForURL(/\/cart$/);
    expect(await page.locator('.cart-line .cart-what a').allTextContents()).toEqual(['Allium giganteum', "Tulip 'Queen of Night'"]);
    await page.click('.cart-line:has-text("Allium") button:text("Remove")');
    await page.waitForURL(/\/cart$/);
    expect(await page.locator('.cart-line').count()).toBe(1);
    await page.click('button[name=go][value=order]');
    await page.waitForURL(/\/order$/);
    expect(await page.inputValue('input[name="qty_TUL-QON-10"]')).toBe('2');
    await page.fill('input[name=name]', 'Rowan Field');
    await page.fill('input[name=email]', email);
    await page.fill('input[name=street]', '8 Elm Street');
    await page.fill('input[name=city]', 'Toronto');
    await page.selectOption('select[name=region]', 'CA-ON');
    await page.fill('input[name=postal]', 'M5V 2T6');
    // 2 × $14.95 = $29.90; 600 g → $14.00 shipping; HST 13 % of $43.90 = $5.71.
    if (javaScriptEnabled) {
      // The totals follow the form as the visitor types, before anything is sent.
      await page.waitForFunction(() => document.querySelector('#order-totals tr.total td')?.textContent === '$49.61');
    } else {
      await page.click('button[name=step][value=review]');
      await page.waitForLoadState('load');
    }
    expect(await page.textContent('#order-totals')).toContain('HST 13 %$5.71');
    expect(await page.textContent('#order-totals tr.total td')).toBe('$49.61');
    await page.waitForTimeout(HUMAN_PAUSE_MS);
    await page.click('button[name=step][value=place]');
    await page.waitForURL(/\/orders\/\d{6}-\w{6}\?key=[\w-]{32}&placed=1$/);
    expect(await page.textContent('[role=status]')).toContain('We have your order');
    expect(await page.textContent('#order-totals tr.total td')).toBe('$49.61');
    const ack = await mailTo(email, /^Order \d{6}-\w{6} received$/);
    expect(ack.parsed.text).toContain('Total: $49.61');
  });

  it('asks a question and is shown the matching answers first', async () => {
    await page.goto(`${server.base}/faq/ask`);
    await page.fill('input[name=question]', 'How deep should tulip bulbs go in the ground?');
    await page.click('main form[method=get] button[type=submit]');
    await page.waitForURL(/\/faq\/ask\?question=/);
    const suggested = await page.$$eval('#maybe-answered + ol a', (links) => links.map((a) => a.getAttribute('href')));
    expect(suggested).toContain('/faq/how-deep-to-plant-bulbs/');
    await page.fill('input[name=email]', `asker.${tag}@example.com`);
    await page.waitForTimeout(HUMAN_PAUSE_MS);
    await page.click('form[action="/faq/ask"][method=post] button[type=submit]');
    await page.waitForURL(/\/faq\/ask\/sent$/);
    await mailTo(`asker.${tag}@example.com`, /^We received your question/);
  });

  it('can be used with the keyboard alone: skip link first, visible focus, search by Enter', async () => {
    await page.goto(`${server.base}/products/`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

    // From the top, Tab reaches the search box through the header, each stop visibly focused.
    await page.goto(`${server.base}/products/`);
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const style = getComputedStyle(el);
        return { id: el.id, visible: style.outlineStyle !== 'none' || style.boxShadow !== 'none' };
      });
      expect(focused.visible, `focus ring on tab stop ${i + 1}`).toBe(true);
      if (focused.id === 'site-search') break;
    }
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('site-search');
    await page.keyboard.type('squirrels');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\?q=squirrels/);
    expect(await page.getAttribute('.results > li:first-child > a', 'href')).toBe('/faq/squirrels-digging-up-bulbs/');
  });
});
