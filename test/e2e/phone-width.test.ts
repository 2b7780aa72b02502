import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { issueTimeTrap } from '../../integrations/rapport/core/security/spam-traps.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { launchBrowser, referenceServer, screenshotOnFailure, SECRET } from '../helpers/browser.ts';
import { formClient } from '../helpers/form-client.ts';
import { insertOrderWithLine } from '../helpers/orders.ts';
import { signedIn } from '../helpers/staff.ts';

const distDir = inject('referenceBuild');
/** The narrowest phone people still use; every page must fit it without scrolling sideways. */
const WIDTH = 360;
/** An address, a name or a word with no break in it, as people paste them. */
const LONG = 'averyveryverylongaddresswithoutanyspaces.anywhere@example-garden-club.example.com';

/** Every page of the build, as its path (Decap's own editor at /admin/ is an app of its own, not a page of the site). */
function builtPages(clientDir: string): string[] {
  return readdirSync(clientDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.html') && !f.startsWith(`admin${path.sep}`))
    .map((f) => `/${f.split(path.sep).join('/')}`.replace(/index\.html$/, '').replace(/\.html$/, ''))
    .sort();
}

/** How far the page is wider than the screen, and what sticks out (for the failure message). */
async function overflow(page: Page) {
  return page.evaluate((width) => {
    const scrollWidth = document.documentElement.scrollWidth;
    const culprits =
      scrollWidth > width
        ? [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > width + 1 || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible'))
            .reverse()
            .slice(0, 3)
            .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className ? `.${String(e.className).split(' ')[0]}` : ''}`)
        : [];
    return { scrollWidth, culprits };
  }, WIDTH);
}

/**
 * Phone layout: at 360 px, no page of the reference build and no page the server renders (search
 * results, forms drawn again with mistakes, an order, the account, the question form, the staff
 * console with something in every list) is wider than the screen. One browser, one context, the
 * pages in turn; a screenshot only of a page that fails.
 */
describe(`every page fits a ${WIDTH} px wide phone`, () => {
  let server: Awaited<ReturnType<typeof referenceServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let orderNumber = '';
  let messageId = '';
  let questionId = '';
  let contactId = '';

  beforeAll(async () => {
    server = await referenceServer(distDir);
    const db = server.running.store.db;
    // Something in each console list, with long unbroken words where people type them.
    const customer = await upsertContact(db, { email: `${LONG}`.slice(-60), name: `Ann ${LONG.slice(0, 40)}`, kind: 'customer' });
    contactId = customer.id;
    // A number the order pages accept (no I, L, O, U or 1), or they answer 404 and the order's forms go untested.
    orderNumber = '261125-WDTHXY';
    await insertOrderWithLine(db, {
      contactId,
      number: orderNumber,
      status: 'received',
      at: new Date().toISOString(),
      subtotalCents: 4_000,
      shippingCents: 950,
      taxCents: 200,
      shipTo: { street: `12 ${LONG.slice(0, 50)} St`, city: 'Lacombe', region: 'CA-AB', postal: 'T4L 2N3', country: 'CA' },
    });
    const client = formClient(server.base, SECRET);
    expect(
      (await client.post('/contact/message', { name: 'Ann Wide', email: 'ann.wide@example.com', kind: 'customer', message: `About my order: ${LONG} ${LONG}` }))
        .status,
    ).toBe(303);
    expect((await client.post('/faq/ask', { question: `Can I plant ${LONG.slice(0, 60)} here?`, details: LONG, email: 'asker.wide@example.com' })).status).toBe(
      303,
    );
    messageId = (await db.selectFrom('activities').select('id').where('type', '=', 'enquiry').executeTakeFirstOrThrow()).id;
    questionId = (await db.selectFrom('faq_questions').select('id').executeTakeFirstOrThrow()).id;
    const admin = await signedIn(db, 'admin', 'owner.wide@example.com');
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: WIDTH, height: 740 } });
    const [name, value] = admin.cookie.split('=') as [string, string];
    page = await context.newPage();
    await context.addCookies([{ name, value, url: server.base }]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function visit(url: string) {
    const response = await page.goto(`${server.base}${url}`);
    expect(response?.status(), url).toBeLessThan(500);
    return overflow(page);
  }

  it('the built pages', async () => {
    const pages = builtPages(path.join(distDir, 'client'));
    expect(pages).toContain('/privacy/');
    expect(pages.length).toBeGreaterThan(50);
    const wide: string[] = [];
    for (const url of pages) {
      const { scrollWidth, culprits } = await visit(url);
      if (scrollWidth > WIDTH) wide.push(`${url}: ${scrollWidth} px (${culprits.join(', ')})`);
    }
    screenshotOnFailure(page, 'phone-width-built');
    expect(wide).toEqual([]);
  });

  it('the pages the server renders, for visitors and for staff', async () => {
    const pages = [
      '/search?q=deer',
      '/search?q=tulpis',
      `/search?q=${encodeURIComponent(LONG)}`,
      '/faq/ask',
      '/faq/ask?question=How+deep+should+I+plant+tulips%3F',
      '/track',
      `/track?number=${LONG.slice(0, 60)}`,
      '/track?number=1Z999AA10123456784',
      '/order',
      '/order?add=LIL-MAR-3',
      `/orders/${orderNumber}`,
      '/account/',
      '/account/register',
      '/account/sign-in',
      '/contact/message',
      '/subscribe',
      '/admin/crm/',
      '/admin/crm/contacts/',
      `/admin/crm/contacts/${contactId}`,
      '/admin/crm/contacts/import',
      '/admin/crm/orders/',
      `/admin/crm/orders/${orderNumber}`,
      '/admin/crm/messages/',
      `/admin/crm/messages/${messageId}`,
      '/admin/crm/questions/',
      `/admin/crm/questions/${questionId}`,
      '/admin/crm/campaigns',
      '/admin/crm/segments',
      '/admin/crm/mail',
      '/admin/crm/mail?status=sent',
      '/admin/crm/audit',
      '/admin/crm/staff',
    ];
    const wide: string[] = [];
    for (const url of pages) {
      const { scrollWidth, culprits } = await visit(url);
      if (scrollWidth > WIDTH) wide.push(`${url}: ${scrollWidth} px (${culprits.join(', ')})`);
      // The staff order page is measured with every form it can show (a received order can still be confirmed, shipped or cancelled).
      if (url === `/admin/crm/orders/${orderNumber}`) expect(await page.locator('#cancel-note').count(), 'the order page shows its cancel form').toBe(1);
      // A console list puts the link people act on first, across the phone, not in a sliver of a column.
      if (['/admin/crm/orders/', '/admin/crm/messages/', '/admin/crm/questions/'].includes(url)) {
        const lead = await page.locator('main tbody tr td.lead').first().boundingBox();
        const row = await page.locator('main tbody tr').first().boundingBox();
        expect(lead && row && [lead.y - row.y < 12, lead.width > WIDTH * 0.75], `${url}: its link leads each row`).toEqual([true, true]);
      }
    }
    screenshotOnFailure(page, 'phone-width-server');
    expect(wide).toEqual([]);
  });

  it('every form drawn again with its mistakes', async () => {
    const forms = [
      '/subscribe',
      '/account/register',
      '/account/sign-in',
      '/contact/message',
      '/faq/ask?question=How+deep+should+I+plant+tulips%3F',
      '/order?add=LIL-MAR-3',
    ];
    const wide: string[] = [];
    for (const url of forms) {
      await page.goto(`${server.base}${url}`);
      // The form that takes the visitor's details (the order page also has forms for its cart).
      const form = 'main form[method=post]:has(input[type=email])';
      // Long unbroken text in every text box, sent as a browser without validation would, shown 5 s ago (no waiting for the time trap).
      await page.$eval(
        form,
        (el, { long, shown }) => {
          el.setAttribute('novalidate', '');
          for (const input of el.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input[type=text], input[type=email], input:not([type]), textarea'))
            if (input.name !== 'homepage' && !input.closest('.hp')) input.value = long;
          const trap = el.querySelector<HTMLInputElement>('input[name=shown]');
          if (trap) trap.value = shown;
        },
        // Without its "@" the long text is no e-mail address, so every form has a mistake to show.
        { long: LONG.replace('@', '-at-'), shown: issueTimeTrap(SECRET, new Date(Date.now() - 5_000)) },
      );
      await Promise.all([page.waitForLoadState('load'), page.click(`${form} button[type=submit] >> nth=-1`)]);
      await page.waitForLoadState('load');
      expect(await page.locator('[aria-invalid=true], .form-message, [role=alert]').count(), `${url} comes back with its mistakes`).toBeGreaterThan(0);
      const { scrollWidth, culprits } = await overflow(page);
      if (scrollWidth > WIDTH) wide.push(`${url} with mistakes: ${scrollWidth} px (${culprits.join(', ')})`);
    }
    screenshotOnFailure(page, 'phone-width-errors');
    expect(wide).toEqual([]);
  });
});
