import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readBuildInfo } from '../../integrations/rapport/core/build-info.ts';
import { erasePerson, exportPerson } from '../../integrations/rapport/core/privacy/erasure.ts';
import { createSession, SESSION_COOKIE } from '../../integrations/rapport/core/security/sessions.ts';
import { appendConsent, upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { catalogOf } from '../../integrations/rapport/features/orders/catalog.ts';
import type { CatalogProduct } from '../../integrations/rapport/features/orders/pricing.ts';
import { personalDeclarations } from '../../integrations/rapport/features/privacy/personal-declarations.ts';
import { forgetOldReminders, REORDER_PURPOSE, sendDueReorderReminders } from '../../integrations/rapport/features/reorder/reminders.ts';
import type { OrderingWindow } from '../../integrations/rapport/features/reorder/seasons.ts';
import { servedWithMail } from '../helpers/mail-server.ts';
import { waitFor, type ReceivedMail } from '../helpers/smtp-sink.ts';
import { drivers } from '../helpers/store-drivers.ts';

const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const distDir = inject('referenceBuild');
const built = readBuildInfo(distDir);
const config = built.config;
const catalog = catalogOf((JSON.parse(readFileSync(path.join(distDir, 'server', 'catalog.json'), 'utf8')) as { products: CatalogProduct[] }).products);
// The editor's windows as the build handed them to the server (content/settings/ordering-windows.md).
const windows = (JSON.parse(readFileSync(path.join(distDir, 'server', 'ordering-windows.json'), 'utf8')) as { windows: OrderingWindow[] }).windows;

/** The path and query of the reorder link in a mail's text. */
const linkIn = (text: string, prefix = '') => {
  const match = new RegExp(`https?://[^\\s]+?(${prefix}/reorder\\?items=[^\\s]+)`).exec(text);
  if (!match) throw new Error(`No reorder link in:\n${text}`);
  return match[1]!;
};
/** The `rapport_cart=…` pair of an answer, to send back as a browser would. */
const cartCookieOf = (headers: Record<string, unknown>) => /rapport_cart=[^;]*/.exec(String(headers['set-cookie']))?.[0];

/**
 * Reorder reminders against the running reference server on each store, with the clock moved by
 * hand: fall bulbs bought in October 2025 are suggested again in September 2026, once, even with
 * two runners at once; nothing for someone who opted out, was erased, or is past implied consent
 * without express consent; the spring window across the year end; the link fills the cart; and
 * "Order again" on the account page.
 */
describe.each(drivers)('reorder reminders on $name', (driver) => {
  let served: Awaited<ReturnType<typeof servedWithMail>>;
  const db = () => served.running.store.db;
  const at = (iso: string) => ({ db: db(), config, site: new URL(built.site), secret: SECRET, clock: () => new Date(iso), catalog, orderingWindows: windows });
  const mailsTo = (email: string) => served.sink.received.filter((m) => m.to.includes(email));
  const mailTo = (email: string): Promise<ReceivedMail> => waitFor(() => mailsTo(email)[0], `a reminder to ${email}`);
  const reminders = (contactId: string) => db().selectFrom('reorder_reminders').selectAll().where('contact_id', '=', contactId).orderBy('season').execute();
  let orders = 0;
  /** A customer who ordered `lines` at `iso` (the order as the order form would have stored it). */
  const bought = async (email: string, iso: string, lines: Array<[string, number]>, language?: string) => {
    const contact = await upsertContact(db(), { email, name: 'Ada', kind: 'customer', ...(language ? { language } : {}) }, () => new Date(iso));
    const id = randomUUID();
    await db()
      .insertInto('orders')
      .values({
        id,
        number: `251003-${driver.name.slice(0, 2).toUpperCase()}${String(orders++).padStart(4, '0')}`,
        contact_id: contact.id,
        status: 'delivered',
        currency: 'CAD',
        subtotal_cents: 1000,
        shipping_cents: 0,
        tax_cents: 0,
        total_cents: 1000,
        taxes: '[]',
        shipping_option: 'standard',
        ship_to: JSON.stringify({ name: 'Ada', street: '1 Main St', city: 'Calgary', region: 'CA-AB', postal: 'T2P 1J9', country: 'CA' }),
        payment_method: 'invoice',
        po_number: null,
        note: null,
        form_key: id,
        follow_up_consent: 0,
        created_at: iso,
        updated_at: iso,
        delivered_at: iso,
        follow_up_due_at: null,
        followed_up_at: null,
      })
      .execute();
    await db()
      .insertInto('order_lines')
      .values(
        lines.map(([sku, quantity], position) => ({
          id: randomUUID(),
          order_id: id,
          position,
          sku,
          name: catalog.bySku.get(sku)?.name ?? sku,
          unit: catalog.bySku.get(sku)?.unit ?? 'each',
          quantity,
          unit_cents: 500,
          total_cents: 500 * quantity,
        })),
      )
      .execute();
    return contact.id;
  };

  beforeAll(async () => {
    served = await servedWithMail(distDir, driver, SECRET, { perIp: { points: 10_000, duration: 600 }, messagesPerAddress: { points: 100, duration: 3600 } });
  });
  afterAll(() => served?.close());

  it('suggests October 2025’s fall bulbs again in September 2026: one mail, once with two runners, one-click unsubscribe, a link that fills the cart', async () => {
    const email = `fall.${driver.name}@example.org`;
    const id = await bought(email, '2025-10-03T18:00:00Z', [
      ['TUL-QON-10', 2],
      ['DAF-TAT-20', 1],
    ]);
    // Before the reminder day (21 days before 15 October), nothing.
    expect(await sendDueReorderReminders(at('2026-09-20T18:00:00Z'))).toBe(0);
    // Two servers' jobs at once, then a restart the next day: one mail.
    const runs = await Promise.all([sendDueReorderReminders(at('2026-09-28T18:00:00Z')), sendDueReorderReminders(at('2026-09-28T18:00:00Z'))]);
    expect(runs[0]! + runs[1]!).toBe(1);
    expect(await sendDueReorderReminders(at('2026-09-29T18:00:00Z'))).toBe(0);
    const mail = await mailTo(email);
    await new Promise((r) => setTimeout(r, 500));
    expect(mailsTo(email)).toHaveLength(1);
    expect(mail.parsed.subject).toBe('Order again before October 15, 2026');
    const text = mail.parsed.text ?? '';
    expect(text).toContain("Tulip 'Queen of Night' (bag of 10 bulbs) × 2");
    expect(text).toContain("Daffodil 'Tête-à-Tête' (bag of 20 bulbs) × 1");
    const header = (name: string) => mail.parsed.headerLines.find((h) => h.key === name)?.line.replace(/\r?\n/g, '');
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    const unsubscribe = /^List-Unsubscribe: <([^>]+)>$/.exec(header('list-unsubscribe') ?? '')?.[1];
    expect(unsubscribe).toMatch(/\/unsubscribe\?token=/);
    expect((await reminders(id)).map((r) => [r.season, r.status])).toEqual([['fall-bulbs:2026', 'sent']]);

    // The link puts both in the cart, at the mail's quantities; opening it twice adds nothing.
    const link = linkIn(text);
    const opened = await served.client.get(link);
    expect(opened.status).toBe(200);
    expect(load(opened.text)('.reorder-added li').length).toBe(2);
    const cookie = cartCookieOf(opened.headers)!;
    const again = await served.client.get(link, { cookie });
    const cart = load((await served.client.get('/cart', { cookie: cartCookieOf(again.headers)! })).text);
    expect(
      cart('.cart-what > a')
        .map((_, a) => cart(a).text())
        .get(),
    ).toEqual(["Tulip 'Queen of Night'", "Daffodil 'Tête-à-Tête'"]);
    expect(cart('input[name="qty_TUL-QON-10"]').attr('value')).toBe('2');
    // A changed link puts nothing in the cart and says so.
    const tampered = link.replace(/(~|%7E)2/, '$19');
    expect(tampered).not.toBe(link);
    const changed = await served.client.get(tampered);
    expect(changed.status).toBe(400);
    expect(cartCookieOf(changed.headers)).toBeUndefined();
    expect(load(changed.text)('[role=alert]').text()).toContain('This link is incomplete or was changed');

    // One click on the unsubscribe link: next season, nothing.
    const url = new URL(unsubscribe!);
    const clicked = await fetch(new URL(`${url.pathname}${url.search}`, served.client.base), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(clicked.status).toBe(200);
    await sendDueReorderReminders(at('2027-09-28T18:00:00Z'));
    expect((await reminders(id)).map((r) => [r.season, r.status])).toEqual([
      ['fall-bulbs:2026', 'sent'],
      ['fall-bulbs:2027', 'skipped'],
    ]);
    expect(mailsTo(email)).toHaveLength(1);
  });

  it('writes to nobody who opted out, was erased, or is past implied consent without express consent', async () => {
    const optedOut = `opted-out.${driver.name}@example.org`;
    const optedOutId = await bought(optedOut, '2025-10-04T18:00:00Z', [['TUL-APD-10', 1]]);
    await appendConsent(
      db(),
      {
        contact_id: optedOutId,
        purpose: REORDER_PURPOSE,
        action: 'withdrawn',
        source: 'web:/account/',
        form_id: 'account-lists@1',
        wording_hash: 'test',
        policy_version: 'test',
      },
      () => new Date('2026-01-10T12:00:00Z'),
    );
    const erased = `erased.${driver.name}@example.org`;
    const erasedId = await bought(erased, '2025-10-04T18:00:00Z', [['TUL-APD-10', 1]]);
    expect(await erasePerson(db(), personalDeclarations(config), erasedId, { remember: { secret: SECRET } })).toBe('erased');
    // Three years ago: past the 24 months of implied consent.
    const lapsed = `lapsed.${driver.name}@example.org`;
    const lapsedId = await bought(lapsed, '2023-10-05T18:00:00Z', [['DAF-TAT-20', 3]]);
    // Just as long ago, but they asked for these reminders.
    const express = `express.${driver.name}@example.org`;
    const expressId = await bought(express, '2023-10-05T18:00:00Z', [['DAF-TAT-20', 3]]);
    await appendConsent(
      db(),
      {
        contact_id: expressId,
        purpose: REORDER_PURPOSE,
        action: 'granted',
        source: 'web:/account/',
        form_id: 'account-lists@1',
        wording_hash: 'test',
        policy_version: 'test',
      },
      () => new Date('2024-02-01T12:00:00Z'),
    );

    await sendDueReorderReminders(at('2026-09-28T19:00:00Z'));
    await mailTo(express);
    expect((await reminders(expressId)).map((r) => r.status)).toEqual(['sent']);
    expect((await reminders(optedOutId)).map((r) => r.status)).toEqual(['skipped']);
    expect((await reminders(lapsedId)).map((r) => r.status)).toEqual(['skipped']);
    // Nothing is kept about the erased customer, and nothing reaches the old address.
    expect(await reminders(erasedId)).toEqual([]);
    const skipped = await db()
      .selectFrom('activities')
      .select('summary')
      .where('contact_id', 'in', [optedOutId, lapsedId])
      .where('type', '=', 'reorder-skipped')
      .orderBy('summary')
      .execute();
    expect(skipped.map((a) => a.summary)).toEqual([
      'No reorder reminder (fall-bulbs:2026): implied consent expired',
      'No reorder reminder (fall-bulbs:2026): opted out',
    ]);
    await new Promise((r) => setTimeout(r, 500));
    expect([optedOut, erased, lapsed].flatMap(mailsTo)).toEqual([]);
    // The record is the customer's: in their download, gone with them.
    expect(JSON.stringify(await exportPerson(db(), personalDeclarations(config), expressId))).toContain('fall-bulbs:2026');
    expect(await erasePerson(db(), personalDeclarations(config), expressId, { remember: { secret: SECRET } })).toBe('erased');
    expect(await reminders(expressId)).toEqual([]);
  });

  it('keeps December and January in one spring season, in the business’s time zone, and writes in the customer’s language', async () => {
    // Dahlias bought in January 2025 (the season that opened on 1 December 2024), in French.
    const french = `printemps.${driver.name}@example.org`;
    const frenchId = await bought(french, '2025-01-20T18:00:00Z', [['DAH-BOL-1', 4]], 'fr-CA');
    // Bought last season and again on 5 January 2026: this season (opened 1 December 2025) is done.
    const ordered = `already.${driver.name}@example.org`;
    const orderedId = await bought(ordered, '2025-01-20T18:00:00Z', [['DAH-BOL-1', 1]]);
    await bought(ordered, '2026-01-05T18:00:00Z', [['DAH-BOL-1', 1]]);
    // 23:30 on 30 November 2025 in Edmonton (06:30 on 1 December in UTC): the season before.
    const evening = `evening.${driver.name}@example.org`;
    const eveningId = await bought(evening, '2025-12-01T06:30:00Z', [['DAH-BOL-1', 2]]);

    expect(await sendDueReorderReminders(at('2026-03-20T18:00:00Z'))).toBe(0);
    await sendDueReorderReminders(at('2026-03-30T18:00:00Z'));
    const mail = await mailTo(french);
    expect(mail.parsed.subject).toBe('Commandez de nouveau avant le 15 avril 2026');
    expect(mail.parsed.text).toContain("Dahlia 'Bishop of Llandaff' (1 tuber) × 4");
    const link = linkIn(mail.parsed.text ?? '', '/fr');
    const page = load((await served.client.get(link)).text);
    expect(page('html').attr('lang')).toBe('fr-CA');
    expect(page('main').text()).toContain('Nous avons mis ce produit dans votre panier');
    expect((await reminders(frenchId)).map((r) => r.season)).toEqual(['spring-bulbs:2025']);
    expect(await reminders(orderedId)).toEqual([]);
    expect((await reminders(eveningId)).map((r) => [r.season, r.status])).toEqual([['spring-bulbs:2025', 'sent']]);
  });

  it('suggests products without a window 11 months later, and leaves out a product no longer sold with a clear line', async () => {
    const email = `lilies.${driver.name}@example.org`;
    const id = await bought(email, '2025-10-20T18:00:00Z', [
      ['LIL-MAR-3', 2],
      ['TUL-APD-10', 1],
      ['TUL-BAL-10', 1],
    ]);
    // A sold-out tulip bought last fall: left out of the fall reminder, with a line saying so.
    await sendDueReorderReminders(at('2026-09-28T20:00:00Z'));
    const received = await waitFor(() => (mailsTo(email).length === 2 ? mailsTo(email) : undefined), `two reminders to ${email}`);
    const yearly = received.find((m) => m.parsed.subject === 'Time to order again?')!;
    expect(yearly.parsed.text).toContain('Martagon Lily, mixed colours (bag of 3 bulbs) × 2');
    const fall = received.find((m) => m.parsed.subject === 'Order again before October 15, 2026')!;
    expect(fall.parsed.text).toContain("Tulip 'Ballerina' is no longer sold, so it is left out.");
    expect(fall.parsed.text).toContain("Tulip 'Apeldoorn' (bag of 10 bulbs) × 1");
    const page = load((await served.client.get(linkIn(fall.parsed.text ?? ''))).text);
    expect(
      page('.reorder-added li')
        .map((_, li) => page(li).text())
        .get(),
    ).toEqual(["Tulip 'Apeldoorn' bag of 10 bulbs × 1"]);
    expect((await reminders(id)).map((r) => r.season.replace(/:.*/, ''))).toEqual(['fall-bulbs', 'yearly']);
    // Records older than two years are forgotten.
    expect(await forgetOldReminders(at('2028-09-29T00:00:00Z'))).toBeGreaterThan(0);
    expect(await reminders(id)).toEqual([]);
  });

  it('shows "Order again" on the account page: each order’s link fills the cart, products gone are named, suggestions follow', async () => {
    const email = `account.${driver.name}@example.org`;
    const contactId = await bought(email, '2025-10-06T18:00:00Z', [
      ['TUL-QON-10', 3],
      ['TUL-BAL-10', 1],
    ]);
    const account = randomUUID();
    await db().insertInto('accounts').values({ id: account, contact_id: contactId, role: 'customer', created_at: new Date().toISOString() }).execute();
    const cookie = `${SESSION_COOKIE}=${await createSession(db(), account)}`;
    // Their consent history names the reminders in words.
    await appendConsent(db(), {
      contact_id: contactId,
      purpose: REORDER_PURPOSE,
      action: 'withdrawn',
      source: 'mail:one-click',
      form_id: 'unsubscribe@1',
      wording_hash: 'test',
      policy_version: 'test',
    });
    const $ = load((await served.client.get('/account/', { cookie })).text);
    expect($('main').text()).toContain('Stopped reminders to order again');
    const section = $('section[aria-labelledby="account-reorder"]');
    expect(section.find('h2').text()).toBe('Order again');
    expect(section.text()).toContain("No longer sold: Tulip 'Ballerina'");
    expect(section.find('.reorder-suggestions li').length).toBeGreaterThan(0);
    const href = section.find('.reorder-orders a').attr('href')!;
    expect(href).toMatch(/^\/reorder\?items=/);
    const opened = await served.client.get(href);
    const cart = load((await served.client.get('/cart', { cookie: cartCookieOf(opened.headers)! })).text);
    expect(
      cart('.cart-what > a')
        .map((_, a) => cart(a).text())
        .get(),
    ).toEqual(["Tulip 'Queen of Night'"]);
    expect(cart('input[name="qty_TUL-QON-10"]').attr('value')).toBe('3');
    // In French, the French words and a /fr/ link.
    const fr = load((await served.client.get('/fr/account/', { cookie })).text);
    expect(fr('section[aria-labelledby="account-reorder"] h2').text()).toBe('Commander de nouveau');
    expect(fr('main').text()).toContain('Consentement retiré\u00a0: les rappels pour commander de nouveau');
    expect(fr('section[aria-labelledby="account-reorder"] .reorder-orders a').attr('href')).toMatch(/^\/fr\/reorder\?items=/);
  });
  it('takes the express consent, and the refusal, a customer gives on the account page, and reminds only while it holds', async () => {
    const email = `asks.${driver.name}@example.org`;
    // Three years ago: implied consent has run out, so only the box can bring reminders back.
    const contactId = await bought(email, '2023-10-05T18:00:00Z', [['DAF-TAT-20', 3]]);
    const account = randomUUID();
    await db().insertInto('accounts').values({ id: account, contact_id: contactId, role: 'customer', created_at: new Date().toISOString() }).execute();
    const cookie = `${SESSION_COOKIE}=${await createSession(db(), account)}`;
    const ledger = () =>
      db()
        .selectFrom('consent_ledger')
        .select(['action', 'form_id', 'language'])
        .where('contact_id', '=', contactId)
        .where('purpose', '=', REORDER_PURPOSE)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
    const section = async (path = '/account/') => load((await served.client.get(path, { cookie })).text)('section[aria-labelledby="account-reorder"]');
    const before = await section();
    expect(before.text()).toContain('For 24 months after an order we may send you one reminder a season');
    expect(before.find('input[name="remind"][value="yes"]').is(':checked')).toBe(false);

    const yes = await served.client.post('/fr/account/reorder-reminders', { remind: 'yes' }, { headers: { cookie }, traps: false });
    expect(yes.status).toBe(303);
    expect(yes.headers.location).toBe('/fr/account/?saved=reorder#account-reorder');
    expect(await ledger()).toEqual([{ action: 'granted', form_id: 'reorder-reminders@1', language: 'fr-CA' }]);
    const after = await section('/fr/account/?saved=reorder');
    expect(after.text()).toContain('Votre choix est enregistré.');
    expect(after.find('input[name="remind"][value="yes"]').is(':checked')).toBe(true);
    // Sent twice (a double click): one record.
    await served.client.post('/account/reorder-reminders', { remind: 'yes' }, { headers: { cookie }, traps: false });
    expect((await ledger()).length).toBe(1);
    await sendDueReorderReminders(at('2026-09-28T19:00:00Z'));
    await mailTo(email);
    expect((await reminders(contactId)).map((r) => r.status)).toEqual(['sent']);

    // Unticked: withdrawn, and the next season brings nothing.
    const no = await served.client.post('/account/reorder-reminders', {}, { headers: { cookie }, traps: false });
    expect(no.status).toBe(303);
    expect((await ledger()).map((r) => r.action)).toEqual(['granted', 'withdrawn']);
    expect((await section()).text()).toContain('You get no reminders to order again.');
    await sendDueReorderReminders(at('2027-09-28T19:00:00Z'));
    expect((await reminders(contactId)).map((r) => r.status)).toEqual(['sent', 'skipped']);
    // Without a session the form changes nothing and leads to the sign-in; a made-up choice is refused.
    const stranger = await served.client.post('/account/reorder-reminders', { remind: 'yes' }, { traps: false });
    expect(stranger.headers.location).toBe('/account/sign-in');
    const odd = await served.client.post('/account/reorder-reminders', { remind: 'always' }, { headers: { cookie }, traps: false });
    expect(odd.status).toBe(422);
    expect((await ledger()).length).toBe(2);
  });
});
