import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { launchBrowser, referenceServer, screenshotOnFailure } from '../helpers/browser.ts';
import { waitFor } from '../helpers/smtp-sink.ts';

const distDir = inject('referenceBuild');
/** Forms refuse posts sent less than 2 s after the page was shown (a bot's speed). */
const HUMAN_PAUSE_MS = 2_100;

/** A French-speaking visitor's journeys on the reference site, from the French home page on, in French all the way. */
describe.each([
  { mode: 'without JavaScript', javaScriptEnabled: false },
  { mode: 'with JavaScript', javaScriptEnabled: true },
])('a French-speaking visitor’s journeys in Chromium, $mode', ({ javaScriptEnabled }) => {
  let server: Awaited<ReturnType<typeof referenceServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const tag = javaScriptEnabled ? 'js' : 'nojs';
  const mailTo = (address: string, subject: RegExp) => server.mailTo(address, subject);
  const linkIn = (text: string | undefined, path: string) => server.tokenLink(text, path);
  const lang = () => page.getAttribute('html', 'lang');

  beforeAll(async () => {
    server = await referenceServer(distDir);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async (test) => {
    context = await browser.newContext({ javaScriptEnabled, locale: 'fr-CA' });
    page = await context.newPage();
    screenshotOnFailure(page, `fr-${tag}-${test.task.name}`);
  });
  afterEach(async () => {
    await context?.close();
  });

  it('finds an answer by search, in French, and finds it without the accents too', async () => {
    await page.goto(`${server.base}/fr/`);
    expect(await lang()).toBe('fr-CA');
    // "profondeur" is in the question; "jardinieres" without its accent still finds "jardinière".
    await page.fill('#site-search', 'profondeur');
    if (javaScriptEnabled) {
      await page.click('header .search-live li a');
    } else {
      await page.press('#site-search', 'Enter');
      await page.waitForURL(/\/fr\/search\?q=profondeur/);
      expect(await lang()).toBe('fr-CA');
      await page.click('.results > li:first-child > a');
    }
    await page.waitForURL(/\/fr\/faq\/how-deep-to-plant-bulbs\/$/);
    expect(await page.textContent('h1')).toBe('À quelle profondeur faut-il planter les bulbes?');

    await page.goto(`${server.base}/fr/search?q=jardinieres`);
    expect(await page.getAttribute('.results > li:first-child > a', 'href')).toBe('/fr/faq/planting-bulbs-in-containers/');
  });

  it('subscribes on the French page, confirms from the French mail, then unsubscribes from its link, in French throughout', async () => {
    const email = `abonne.${tag}@example.com`;
    await page.goto(`${server.base}/fr/subscribe`);
    expect(await lang()).toBe('fr-CA');
    await page.fill('input[name=email]', email);
    await page.waitForTimeout(HUMAN_PAUSE_MS);
    await page.click('form[action="/fr/subscribe"] button[type=submit]');
    await page.waitForURL(/\/fr\/subscribe\/check-your-inbox$/);
    expect(await lang()).toBe('fr-CA');

    const confirm = await mailTo(email, /./);
    expect(confirm.parsed.html).toContain('lang="fr-CA"');
    await page.goto(linkIn(confirm.parsed.text, '/fr/subscribe/confirm'));
    expect(await lang()).toBe('fr-CA');
    await page.click('main button[type=submit]');
    await page.waitForURL(/\/fr\/subscribe\/confirmed$/);
    expect(await lang()).toBe('fr-CA');

    const welcome = await waitFor(() => server.sink.received.find((m) => m.to.includes(email) && m !== confirm), `the welcome mail to ${email}`);
    await page.goto(linkIn(welcome.parsed.text, '/fr/unsubscribe'));
    await page.click('main button[type=submit]');
    await page.waitForURL(/\/fr\/unsubscribe\/done$/);
    expect(await lang()).toBe('fr-CA');
  });

  it('asks a question from the French FAQ, is shown French answers first, and is told in French that it arrived', async () => {
    const email = `question.${tag}@example.com`;
    await page.goto(`${server.base}/fr/faq/`);
    await page.click('main a[href="/fr/faq/ask"]');
    await page.waitForURL(/\/fr\/faq\/ask$/);
    expect(await lang()).toBe('fr-CA');
    await page.fill('input[name=question]', 'À quelle profondeur planter des bulbes de tulipes?');
    await page.click('main form[method=get] button[type=submit]');
    await page.waitForURL(/\/fr\/faq\/ask\?question=/);
    const suggested = await page.$$eval('#maybe-answered + ol a', (links) => links.map((a) => a.getAttribute('href')));
    expect(suggested).toContain('/fr/faq/how-deep-to-plant-bulbs/');
    await page.fill('input[name=email]', email);
    await page.waitForTimeout(HUMAN_PAUSE_MS);
    await page.click('form[action="/fr/faq/ask"][method=post] button[type=submit]');
    await page.waitForURL(/\/fr\/faq\/ask\/sent$/);
    expect(await lang()).toBe('fr-CA');
    const received = await server.mailTo(email, /./);
    expect(received.parsed.html).toContain('lang="fr-CA"');
  });

  it('orders from the French catalogue: French names and prices in the cart, French totals, the French order page and mail', async () => {
    const email = `commande.${tag}@example.com`;
    const text = async (selector: string) => (await page.textContent(selector))?.replace(/\s+/g, ' ').trim();
    await page.goto(`${server.base}/fr/products/tulip-queen-of-night/`);
    await page.fill('main form[action="/fr/cart"] input[name=quantity]', '2');
    await page.click('main form[action="/fr/cart"] button[type=submit]');
    await page.waitForURL(/\/fr\/cart$/);
    expect(await lang()).toBe('fr-CA');
    expect(await page.locator('.cart-line .cart-what a').allTextContents()).toEqual(["Tulipe 'Queen of Night'"]);
    await page.click('button[name=go][value=order]');
    await page.waitForURL(/\/fr\/order$/);
    await page.fill('input[name=name]', 'Camille Tremblay');
    await page.fill('input[name=email]', email);
    await page.fill('input[name=street]', '8, rue des Érables');
    await page.fill('input[name=city]', 'Toronto');
    await page.selectOption('select[name=region]', 'CA-ON');
    await page.fill('input[name=postal]', 'M5V 2T6');
    // 2 × 14,95 $ = 29,90 $; 600 g → 14,00 $ of shipping; HST (TVH) 13 % of 43,90 $ = 5,71 $.
    if (javaScriptEnabled) {
      await page.waitForFunction(() => document.querySelector('#order-totals tr.total td')?.textContent?.replace(/\s/g, ' ') === '49,61 $');
    } else {
      await page.click('button[name=step][value=review]');
      await page.waitForLoadState('load');
    }
    expect(await text('#order-totals tr.total td')).toBe('49,61 $');
    await page.waitForTimeout(HUMAN_PAUSE_MS);
    await page.click('button[name=step][value=place]');
    await page.waitForURL(/\/fr\/orders\/\d{6}-\w{6}\?key=[\w-]{32}&placed=1$/);
    expect(await lang()).toBe('fr-CA');
    expect(await text('#order-totals tr.total td')).toBe('49,61 $');
    const ack = await server.mailTo(email, /\d{6}-\w{6}/);
    expect(ack.parsed.html).toContain('lang="fr-CA"');
    expect(ack.parsed.text?.replace(/\s+/g, ' ')).toContain('49,61 $');
  });
});
