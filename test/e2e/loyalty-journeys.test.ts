import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { readBuildInfo } from '../../integrations/rapport/core/build-info.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { careDatesOf, type CareSubject } from '../../integrations/rapport/features/care-reminders/care-dates.ts';
import { sendDueCareReminders } from '../../integrations/rapport/features/care-reminders/send.ts';
import { catalogOf } from '../../integrations/rapport/features/orders/catalog.ts';
import type { CatalogProduct } from '../../integrations/rapport/features/orders/pricing.ts';
import { sendDueReorderReminders } from '../../integrations/rapport/features/reorder/reminders.ts';
import type { OrderingWindow } from '../../integrations/rapport/features/reorder/seasons.ts';
import { browserSuite, SECRET } from '../helpers/browser.ts';
import { orderRow } from '../helpers/orders.ts';

const distDir = inject('referenceBuild');
const built = readBuildInfo(distDir);
const serverFile = <T>(name: string) => JSON.parse(readFileSync(path.join(distDir, 'server', name), 'utf8')) as T;
const catalog = catalogOf(serverFile<{ products: CatalogProduct[] }>('catalog.json').products);
const careDates = careDatesOf(serverFile<{ subjects: CareSubject[] }>('care-dates.json').subjects);
const orderingWindows = serverFile<{ windows: OrderingWindow[] }>('ordering-windows.json').windows;

/**
 * The loyalty features as a customer uses them, in Chromium with JavaScript off (plain forms and
 * links only): the wish list, from a product page through the sign-in and back; a back-in-stock
 * request and its confirmation; a care reminder, from the form to the mail and its removal; and
 * an order placed again from a reorder reminder's link. The jobs that send the mails run with the
 * clock moved to the day they are due.
 */
describe('loyalty journeys in Chromium, without JavaScript', () => {
  const suite = browserSuite(distDir, { tag: 'loyalty', javaScriptEnabled: false });
  const db = () => suite.server.running.store.db;
  const jobServices = (at: string) => ({
    db: db(),
    config: built.config,
    site: new URL(built.site),
    secret: SECRET,
    clock: () => new Date(at),
    catalog,
    careDates,
    orderingWindows,
  });
  /** A customer with an account (the registration journey is journeys.test.ts's). */
  const customer = async (email: string, name: string) => {
    const contact = await upsertContact(db(), { email, name, kind: 'customer' });
    await db().insertInto('accounts').values({ id: randomUUID(), contact_id: contact.id, role: 'customer', created_at: new Date().toISOString() }).execute();
    return contact.id;
  };

  it('keeps a wish list: signed out on a product, signs in by the mailed link, is back on the product, adds it, removes it', async () => {
    const { page, server } = suite;
    const email = 'wisher@example.com';
    await customer(email, 'Wren Albers');
    await page.goto(`${server.base}/products/tulip-ballerina/`);
    await page.click('main form[action="/wishlist"] button[type=submit]');
    await page.waitForURL(/\/account\/sign-in\?next=/);
    expect(await page.textContent('main')).toContain('brings you back to the page you were on');
    await page.fill('input[name=email]', email);
    await page.waitForTimeout(2_100);
    await page.click('form[action="/account/sign-in"] button[type=submit]');
    await page.waitForURL(/\/account\/check-your-inbox$/);
    const link = await server.mailTo(email, /^Sign in to /);
    await page.goto(server.tokenLink(link.parsed.text, '/account/sign-in/confirm'));
    await page.click('main button[type=submit]');
    await page.waitForURL(/\/products\/tulip-ballerina\/$/);

    await page.click('main form[action="/wishlist"] button[type=submit]');
    await page.waitForURL(/\/account\/\?saved=wish-list#account-wish-list$/);
    const list = page.locator('section[aria-labelledby="account-wish-list"]');
    expect(await list.textContent()).toContain("Tulip 'Ballerina'");
    await list.locator('button:text("Remove")').click();
    await page.waitForURL(/saved=wish-list-removed/);
    expect(await page.locator('section[aria-labelledby="account-wish-list"]').textContent()).not.toContain("Tulip 'Ballerina'");
  });

  it('asks to be told when a sold-out product is back, and confirms from the e-mail', async () => {
    const { page, server } = suite;
    const email = 'waiting@example.com';
    await page.goto(`${server.base}/products/tulip-ballerina/`);
    await page.fill('main form[action="/products/notify"] input[name=email]', email);
    await page.click('main form[action="/products/notify"] button[type=submit]');
    await page.waitForURL(/\/stock-notice\/check-your-inbox$/);
    const mail = await server.mailTo(email, /Ballerina/);
    await page.goto(server.tokenLink(mail.parsed.text, '/products/notify/confirm'));
    await page.click('main button[type=submit]');
    await page.waitForURL(/\/stock-notice\/confirmed$/);
    const request = await db()
      .selectFrom('stock_requests')
      .innerJoin('contacts', 'contacts.id', 'stock_requests.contact_id')
      .select(['stock_requests.status', 'stock_requests.sku'])
      .where('contacts.email', '=', email)
      .executeTakeFirstOrThrow();
    expect(request).toEqual({ status: 'confirmed', sku: 'TUL-BAL-10' });
  });

  it('sets a care reminder on a product, confirms it, gets it on the day, and removes it from the e-mail', async () => {
    const { page, server } = suite;
    const email = 'gardener@example.com';
    await page.goto(`${server.base}/products/dahlia-cafe-au-lait/`);
    const form = page.locator('main form[action="/care-reminders"]');
    await form.locator('select[name=date]').selectOption('9-25');
    await form.locator('select[name=region]').selectOption('CA-MB');
    await form.locator('input[name=email]').fill(email);
    await form.locator('button[type=submit]').click();
    await page.waitForURL(/\/care-reminders\/check-your-inbox$/);
    const confirmation = await server.mailTo(email, /^Confirm your reminder/);
    await page.goto(server.tokenLink(confirmation.parsed.text, '/care-reminders/confirm'));
    await page.click('main button[type=submit]');
    await page.waitForURL(/\/care-reminders\/confirmed$/);

    const row = await db()
      .selectFrom('care_reminders')
      .select(['due_day', 'region'])
      .where('status', '=', 'active')
      .where('region', '=', 'MB')
      .executeTakeFirstOrThrow();
    expect(await sendDueCareReminders(jobServices(`${row.due_day}T12:00:00Z`))).toBe(1);
    // Next year's day is still to come on the real clock, so the outbox holds the mail until then: read it there.
    const reminder = await db()
      .selectFrom('mail_outbox')
      .select(['subject', 'text_body'])
      .where('to_address', '=', email)
      .where('subject', 'like', 'Reminder:%')
      .executeTakeFirstOrThrow();
    expect(reminder.subject).toBe('Reminder: Lift before hard frost');
    const remove = /https?:\/\/\S+\/care-reminders\/remove\?id=[\w-]+&sig=[\w-]+/.exec(reminder.text_body);
    expect(remove, reminder.text_body).not.toBeNull();
    await page.goto(server.local(remove![0]));
    await page.click('main button[type=submit]');
    await page.waitForURL(/\/care-reminders\/removed$/);
    expect(await db().selectFrom('care_reminders').select('id').where('region', '=', 'MB').execute()).toEqual([]);
  });

  it('orders again from a reorder reminder: the link fills the cart, the order goes through', async () => {
    const { page, server } = suite;
    const email = 'returning@example.com';
    const contactId = (await upsertContact(db(), { email, name: 'Rowan Field', kind: 'customer' }, () => new Date('2025-10-04T18:00:00Z'))).id;
    const order = orderRow({ contactId, number: '251004-RETURN', status: 'delivered', at: '2025-10-04T18:00:00Z', subtotalCents: 2990 });
    await db().insertInto('orders').values(order).execute();
    await db()
      .insertInto('order_lines')
      .values({
        id: randomUUID(),
        order_id: order.id!,
        position: 0,
        sku: 'TUL-QON-10',
        name: "Tulip 'Queen of Night'",
        unit: '10 bulbs',
        quantity: 2,
        unit_cents: 1495,
        total_cents: 2990,
      })
      .execute();
    expect(await sendDueReorderReminders(jobServices('2026-09-28T19:00:00Z'))).toBe(1);
    const reminder = await server.mailTo(email, /^Order again before/);
    const link = /https?:\/\/\S+\/reorder\?items=\S+/.exec(reminder.parsed.text ?? '');
    expect(link, reminder.parsed.text).not.toBeNull();

    await page.goto(server.local(link![0]));
    expect(await page.textContent('main')).toContain("Tulip 'Queen of Night'");
    await page.click('main a:text("See your cart")');
    await page.waitForURL(/\/cart$/);
    expect(await page.inputValue('input[name="qty_TUL-QON-10"]')).toBe('2');
    await page.click('button[name=go][value=order]');
    await page.waitForURL(/\/order$/);
    await page.fill('input[name=name]', 'Rowan Field');
    await page.fill('input[name=email]', email);
    await page.fill('input[name=street]', '8 Elm Street');
    await page.fill('input[name=city]', 'Toronto');
    await page.selectOption('select[name=region]', 'CA-ON');
    await page.fill('input[name=postal]', 'M5V 2T6');
    await page.click('button[name=step][value=review]');
    await page.waitForLoadState('load');
    await page.waitForTimeout(2_100);
    await page.click('button[name=step][value=place]');
    await page.waitForURL(/\/orders\/\d{6}-\w{6}\?key=[\w-]{32}&placed=1$/);
    expect(await page.textContent('[role=status]')).toContain('We have your order');
    const placed = await db().selectFrom('orders').select('id').where('contact_id', '=', contactId).execute();
    expect(placed.length).toBe(2);
  });
});
