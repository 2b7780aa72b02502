import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { launchBrowser, referenceServer, screenshotOnFailure } from '../helpers/browser.ts';

const distDir = inject('referenceBuild');

/** One page of each template the reference site has. */
const TEMPLATES = [
  '/',
  '/products/',
  '/products/category/tulips/',
  '/products/tulip-queen-of-night/',
  '/faq/',
  '/faq/category/planting/',
  '/faq/deer-resistant-bulbs/',
  '/newsletter/',
  '/newsletter/2026-06-after-the-tulips/',
  '/about/',
  '/customers/',
  '/sitemap',
  '/privacy',
  '/no-such-page',
  '/subscribe/check-your-inbox',
  '/search?q=deer',
  '/search?q=zeppelin',
  '/subscribe',
  '/unsubscribe?token=not-a-token',
  '/account/register',
  '/account/sign-in',
  '/contact/message',
  '/faq/ask',
  '/faq/ask?question=How+deep+should+I+plant+tulips%3F',
  '/track',
  '/track?number=1Z999AA10123456784',
  '/track?number=nonsense',
  '/order',
  '/order?add=LIL-MAR-3',
  '/cart',
  '/orders/261125-ZZZZZZ',
  // A survey on its own page (where the after-sale e-mail leads) and its result page; the About page carries one too.
  '/surveys/next-season/',
  '/surveys/thanks',
  // The same templates in French.
  '/fr/',
  '/fr/products/',
  '/fr/products/category/tulipes/',
  '/fr/products/tulip-queen-of-night/',
  '/fr/faq/',
  '/fr/faq/category/plantation/',
  '/fr/faq/when-to-plant-tulips/',
  '/fr/newsletter/',
  '/fr/newsletter/2026-11-putting-the-farm-to-bed/',
  '/fr/about/',
  '/fr/customers/',
  '/fr/sitemap',
  '/fr/privacy',
  '/fr/no-such-page',
  '/fr/search?q=tulipes',
  '/fr/search?q=zeppelin',
  '/fr/subscribe',
  '/fr/subscribe/check-your-inbox',
  '/fr/unsubscribe?token=not-a-token',
  '/fr/faq/ask',
  '/fr/faq/ask?question=Quand+planter+les+tulipes%3F',
  '/fr/faq/ask/sent',
  '/fr/contact/message',
  '/fr/contact/sent',
  '/fr/account/register',
  '/fr/account/registered',
  '/fr/account/sign-in',
  '/fr/account/sign-in/confirm?token=not-a-token',
  '/fr/track',
  '/fr/privacy/request',
  '/fr/privacy/request/sent',
  '/fr/track?number=1Z999AA10123456784',
  '/fr/track?number=nonsense',
  '/fr/order',
  '/fr/order?add=LIL-MAR-3',
  '/fr/cart',
  '/fr/orders/261125-ZZZZZZ',
];

/**
 * Forms sent with mistakes, to check the error state: the page (after `first`, which puts a product
 * in the cart), then what to fill. The form sent is the one the first filled field belongs to: a
 * page can carry several (the home page has "Add to order" buttons before its sign-up).
 */
const ERROR_STATES: Array<{ path: string; first?: string; fill: Record<string, string> }> = [
  { path: '/subscribe', fill: { email: 'not-an-address' } },
  { path: '/fr/subscribe', fill: { email: 'pas-une-adresse' } },
  // The short sign-up on a static page: the mistake comes back on /subscribe.
  { path: '/', fill: { email: 'not-an-address' } },
  { path: '/account/register', fill: { name: '', email: 'still not an address' } },
  { path: '/contact/message', fill: { name: 'Ann', email: 'ann@example.com', message: 'short' } },
  { path: '/faq/ask?question=Can+I+plant+tulips+in+spring%3F', fill: { question: 'short', email: 'nope' } },
  { path: '/fr/contact/message', fill: { name: 'Anne', email: 'anne@exemple.ca', message: 'court' } },
  { path: '/fr/faq/ask?question=Peut-on+planter+des+tulipes+au+printemps%3F', fill: { question: 'court', email: 'non' } },
  // The order form lists what is in the cart, so `?add=` puts a product there first.
  { path: '/order?add=ALL-GIG-3', fill: { 'qty_ALL-GIG-3': '-1' } },
  { path: '/cart', first: '/order?add=ALL-GIG-3', fill: { 'qty_ALL-GIG-3': '-1' } },
  // The survey on a static page, its required choice left out and a written answer too long: the mistake comes back on its own page.
  { path: '/fr/about/', fill: { q3: 'x'.repeat(1001) } },
];

async function seriousViolations(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
}

describe('accessibility (axe-core in Chromium): no serious or critical violation', () => {
  let server: Awaited<ReturnType<typeof referenceServer>>;
  let browser: Browser;

  beforeAll(async () => {
    server = await referenceServer(distDir);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  // Several pages at once: each is analysed in its own renderer process, so the two cores share the
  // work instead of one waiting on the other (about half the time of one page after another).
  it.concurrent.for(TEMPLATES)('%s', async (path, { expect, onTestFailed }) => {
    const page = await (await browser.newContext()).newPage();
    screenshotOnFailure(page, `axe-${path}`, onTestFailed);
    const response = await page.goto(`${server.base}${path}`);
    expect(response?.status(), path).toBeLessThan(
      path.endsWith('/no-such-page') || /^(\/fr)?\/(unsubscribe|account\/sign-in\/confirm)/.test(path) || /^(\/fr)?\/orders\//.test(path) ? 500 : 400,
    );
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });

  it.concurrent.for(ERROR_STATES)('$path with mistakes: messages tied to their fields', async ({ path, first, fill }, { expect, onTestFailed }) => {
    const page = await (await browser.newContext()).newPage();
    screenshotOnFailure(page, `axe-errors-${path}`, onTestFailed);
    if (first) await page.goto(`${server.base}${first}`);
    await page.goto(`${server.base}${path}`);
    for (const [name, value] of Object.entries(fill)) await page.fill(`[name="${name}"]`, value);
    await page.waitForTimeout(2_100);
    // Browsers would stop at the first invalid field; send the post as a browser without validation would.
    // `.form` also finds a form a field joins by its `form` attribute (the cart's quantities).
    await page.$eval(`[name="${Object.keys(fill)[0]}"]`, (field) => {
      const form = (field as HTMLInputElement).form!;
      form.setAttribute('novalidate', '');
      form.setAttribute('data-under-test', '');
    });
    await page.click('form[data-under-test][method=post] button[type=submit]');
    await page.waitForLoadState('load');
    const invalid = await page.$$eval('[aria-invalid=true]', (fields) =>
      fields.map((f) => ({
        name: f.getAttribute('name'),
        describedBy: (f.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? ''),
      })),
    );
    expect(invalid.length, 'fields marked invalid').toBeGreaterThan(0);
    for (const field of invalid) expect(field.describedBy.join(' ').trim(), `${field.name} has its message`).not.toBe('');
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });
});
