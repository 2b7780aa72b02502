import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readBuildInfo } from '../../integrations/rapport/core/build-info.ts';
import { erasedAddressHash } from '../../integrations/rapport/core/privacy/core-data.ts';
import { erasePerson, exportPerson } from '../../integrations/rapport/core/privacy/erasure.ts';
import { createSession, SESSION_COOKIE } from '../../integrations/rapport/core/security/sessions.ts';
import { appendConsent, upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { catalogOf } from '../../integrations/rapport/features/orders/catalog.ts';
import type { CatalogProduct } from '../../integrations/rapport/features/orders/pricing.ts';
import { personalDeclarations } from '../../integrations/rapport/features/privacy/personal-declarations.ts';
import { BACK_IN_STOCK_PURPOSE } from '../../integrations/rapport/features/wishlist/availability.ts';
import { dropOldRequests, sendBackInStockNotices } from '../../integrations/rapport/features/wishlist/notices.ts';
import { tokenOf } from '../helpers/form-client.ts';
import { servedWithMail } from '../helpers/mail-server.ts';
import { waitFor } from '../helpers/smtp-sink.ts';
import { drivers } from '../helpers/store-drivers.ts';

const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const distDir = inject('referenceBuild');
const built = readBuildInfo(distDir);
const config = built.config;
const products = (JSON.parse(readFileSync(path.join(distDir, 'server', 'catalog.json'), 'utf8')) as { products: CatalogProduct[] }).products;
/** The reference catalogue as the live build has it: Ballerina sold out, Café au Lait on pre-order. */
const before = catalogOf(products);
/** A new build's catalogue after a publish: both in stock, Ballerina… and one product gone. */
const published = catalogOf(
  products.filter((p) => p.sku !== 'ALL-GIG-3').map((p) => (p.sku === 'TUL-BAL-10' || p.sku === 'DAH-CAL-1' ? { ...p, availability: 'in_stock' } : p)),
);
const SOLD_OUT = 'TUL-BAL-10';
const PRE_ORDER = 'DAH-CAL-1';

/**
 * Wish lists and back-in-stock notices through the running reference server on a real store and
 * SMTP server: the double opt-in request, the signed-in one, the one mail a publish that puts the
 * product in stock sends (once, with two servers racing), and who never gets it.
 */
describe.each(drivers)('wish lists and back-in-stock notices on $name', (driver) => {
  let served: Awaited<ReturnType<typeof servedWithMail>>;
  const db = () => served.running.store.db;
  const services = (clock: () => Date, catalog = published) => ({ db: db(), config, site: new URL(built.site), secret: SECRET, clock, catalog });
  const outboxTo = (email: string) => db().selectFrom('mail_outbox').select(['subject', 'text_body', 'headers']).where('to_address', '=', email).execute();
  const noticesTo = async (email: string) => (await outboxTo(email)).filter((m) => /available again|de nouveau disponible/.test(m.subject));
  /** A signed-in customer: their contact, and the session cookie a browser would send. */
  const customer = async (email: string) => {
    const contact = await upsertContact(db(), { email, name: 'Wish Tester' });
    const account = randomUUID();
    await db().insertInto('accounts').values({ id: account, contact_id: contact.id, role: 'customer', created_at: new Date().toISOString() }).execute();
    return { contact, cookie: `${SESSION_COOKIE}=${await createSession(db(), account)}` };
  };
  /** Asks for a notice without an account and confirms it from the mailed link. */
  const requestAndConfirm = async (email: string, sku: string, prefix = '') => {
    const asked = await served.client.post(`${prefix}/products/notify`, { email, sku });
    expect(asked.status).toBe(303);
    expect(asked.headers.location).toBe(`${prefix}/stock-notice/check-your-inbox`);
    const mail = await waitFor(
      () => served.sink.received.find((m) => m.to.includes(email) && /Confirm|Confirmez/.test(m.parsed.subject ?? '')),
      `confirmation to ${email}`,
    );
    const token = tokenOf(mail.parsed.text ?? '', `${prefix}/products/notify/confirm`);
    const page = await served.client.get(`${prefix}/products/notify/confirm?token=${token}`);
    expect(page.status).toBe(200);
    const confirmed = await served.client.post(`${prefix}/products/notify/confirm`, { token }, { traps: false });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.location).toBe(`${prefix}/stock-notice/confirmed`);
    return mail;
  };

  beforeAll(async () => {
    served = await servedWithMail(distDir, driver, SECRET, { perIp: { points: 10_000, duration: 600 }, messagesPerAddress: { points: 100, duration: 3600 } });
  });
  afterAll(() => served?.close());

  it('draws the notice form on sold-out and pre-order products only, and the wish-list button on every product', async () => {
    const soldOut = load((await served.client.get('/products/tulip-ballerina/')).text);
    expect(soldOut('form[action="/products/notify"] input[name="sku"]').attr('value')).toBe(SOLD_OUT);
    expect(soldOut('form[action="/products/notify"] input[name="email"]').length).toBe(1);
    expect(soldOut('form[action="/wishlist"] input[name="add"]').attr('value')).toBe(SOLD_OUT);
    const french = load((await served.client.get('/fr/products/dahlia-cafe-au-lait/')).text);
    expect(french('form[action="/fr/products/notify"]').length).toBe(1);
    expect(french('#notify-heading').text()).toBe('Avisez-moi quand il sera disponible');
    const inStock = load((await served.client.get('/products/tulip-queen-of-night/')).text);
    expect(inStock('form[action="/products/notify"]').length).toBe(0);
    expect(inStock('form[action="/wishlist"]').length).toBe(1);
  });

  it('mails one notice, once, to a confirmed request when a publish puts the product in stock, with two servers racing', async () => {
    const email = 'waiting@example.org';
    await requestAndConfirm(email, SOLD_OUT);
    const row = await db()
      .selectFrom('stock_requests')
      .innerJoin('contacts', 'contacts.id', 'stock_requests.contact_id')
      .selectAll('stock_requests')
      .where('contacts.email', '=', email)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('confirmed');
    const consent = await db()
      .selectFrom('consent_ledger')
      .selectAll()
      .where('contact_id', '=', row.contact_id)
      .where('purpose', '=', BACK_IN_STOCK_PURPOSE)
      .execute();
    expect(consent.map((c) => c.action)).toEqual(['granted']);
    expect(consent[0]!.form_id).toMatch(/^stock-request/);

    const now = () => new Date();
    // Before the publish: still sold out, nothing goes.
    expect(await sendBackInStockNotices(services(now, before))).toBe(0);
    expect(await noticesTo(email)).toEqual([]);
    // The new build: two servers run the job at once; one mail between them.
    const [a, b] = await Promise.all([sendBackInStockNotices(services(now)), sendBackInStockNotices(services(now))]);
    expect(a + b).toBeGreaterThanOrEqual(1);
    expect(await sendBackInStockNotices(services(now))).toBe(0);
    const notices = await noticesTo(email);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.subject).toBe("Tulip 'Ballerina' is available again");
    expect(notices[0]!.text_body).toContain(`${built.site.replace(/\/$/, '')}/products/tulip-ballerina/`);
    expect(notices[0]!.headers).toMatch(/List-Unsubscribe-Post/);
    expect(notices[0]!.headers).toMatch(/\/unsubscribe\?token=/);
    const mail = await waitFor(
      () => served.sink.received.find((m) => m.to.includes(email) && m.parsed.subject === "Tulip 'Ballerina' is available again"),
      'the notice',
    );
    expect(mail.parsed.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  });

  it('writes the notice in the language the request was made in', async () => {
    const email = 'attente@example.org';
    const confirmation = await requestAndConfirm(email, PRE_ORDER, '/fr');
    expect(confirmation.parsed.subject).toBe("Confirmez\u00a0: un courriel quand Dahlia 'Café au Lait' sera disponible");
    expect(confirmation.parsed.text).toContain('/fr/products/notify/confirm?token=');
    await sendBackInStockNotices(services(() => new Date()));
    const [notice] = await noticesTo(email);
    expect(notice!.subject).toMatch(/ est de nouveau disponible$/);
    expect(notice!.text_body).toContain('/fr/products/dahlia-cafe-au-lait/');
    expect(notice!.text_body).toContain('/fr/unsubscribe?token=');
  });

  it('sends nothing to an unconfirmed request, and drops it once its link has expired', async () => {
    const email = 'unconfirmed@example.org';
    const asked = await served.client.post('/products/notify', { email, sku: SOLD_OUT });
    expect(asked.status).toBe(303);
    expect(await sendBackInStockNotices(services(() => new Date()))).toBe(0);
    expect(await noticesTo(email)).toEqual([]);
    const later = new Date(Date.now() + (config.crm.signupExpiryHours + 1) * 3_600_000);
    expect(await dropOldRequests({ db: db(), clock: () => later })).toBeGreaterThanOrEqual(1);
    const left = await db()
      .selectFrom('stock_requests')
      .innerJoin('contacts', 'contacts.id', 'stock_requests.contact_id')
      .select('stock_requests.id')
      .where('contacts.email', '=', email)
      .execute();
    expect(left).toEqual([]);
  });

  it('sends nothing to someone who withdrew or whose address was erased', async () => {
    const withdrew = 'withdrew@example.org';
    const erasedMark = 'erased-mark@example.org';
    const erased = 'erased@example.org';
    for (const email of [withdrew, erasedMark, erased]) await requestAndConfirm(email, SOLD_OUT);
    const contactOf = async (email: string) => (await db().selectFrom('contacts').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
    await appendConsent(db(), {
      contact_id: await contactOf(withdrew),
      purpose: BACK_IN_STOCK_PURPOSE,
      action: 'withdrawn',
      form_id: 'unsubscribe@1',
      wording_hash: 'x',
      policy_version: 'x',
      source: 'test',
    });
    await db()
      .insertInto('erased_addresses')
      .values({ hash: erasedAddressHash(SECRET, erasedMark), contact_id: await contactOf(erasedMark), erased_at: new Date().toISOString() })
      .execute();
    const erasedId = await contactOf(erased);
    expect(await erasePerson(db(), personalDeclarations(config), erasedId, { remember: { secret: SECRET } })).toBe('erased');
    expect(await db().selectFrom('stock_requests').select('id').where('contact_id', '=', erasedId).execute()).toEqual([]);

    await sendBackInStockNotices(services(() => new Date()));
    expect(await noticesTo(withdrew)).toEqual([]);
    expect(await noticesTo(erasedMark)).toEqual([]);
    // The closed requests stay closed: a later round sends nothing either.
    expect(await sendBackInStockNotices(services(() => new Date()))).toBe(0);
    expect(await noticesTo(withdrew)).toEqual([]);
  });

  it('keeps a signed-in customer’s wish list on the account page: add, order link, product gone, remove', async () => {
    const { contact, cookie } = await customer('wisher@example.org');
    const add = (sku: string) => served.client.post('/wishlist', { add: sku }, { traps: false, headers: { cookie } });
    expect((await add('TUL-QON-10')).headers.location).toBe('/account/?saved=wish-list#account-wish-list');
    await add(SOLD_OUT);
    await add('TUL-QON-10'); // twice is once
    expect(await db().selectFrom('wish_list_items').select('sku').where('contact_id', '=', contact.id).orderBy('sku').execute()).toEqual([
      { sku: 'TUL-BAL-10' },
      { sku: 'TUL-QON-10' },
    ]);
    // A product that left the catalogue (kept from an older build) shows as no longer sold.
    await db().insertInto('wish_list_items').values({ contact_id: contact.id, sku: 'OLD-GONE-1', created_at: new Date().toISOString() }).execute();

    const page = load((await served.client.get('/account/', { cookie })).text);
    const section = page('#account-wish-list').parent();
    expect(section.find('a[href="/products/tulip-queen-of-night/"]').text()).toBe("Tulip 'Queen of Night'");
    expect(section.find('a[href="/order?add=TUL-QON-10"]').length).toBe(1);
    expect(section.find('a[href="/order?add=TUL-BAL-10"]').length).toBe(0);
    expect(section.text()).toContain("Tulip 'Ballerina' (bag of 10 bulbs) · $15.95 · Sold out");
    expect(section.text()).toContain('A product we no longer sell (OLD-GONE-1)');

    const removed = await served.client.post('/wishlist', { remove: 'OLD-GONE-1' }, { traps: false, headers: { cookie } });
    expect(removed.status).toBe(303);
    expect(await db().selectFrom('wish_list_items').select('sku').where('contact_id', '=', contact.id).orderBy('sku').execute()).toEqual([
      { sku: 'TUL-BAL-10' },
      { sku: 'TUL-QON-10' },
    ]);

    // The wish list is in the person's data, and goes with an erasure.
    const data = await exportPerson(db(), personalDeclarations(config), contact.id);
    expect(JSON.stringify(data)).toContain('TUL-QON-10');
  });

  it('adds a signed-in customer’s notice at once, without a confirmation mail, and lists it on the account page', async () => {
    const email = 'signed-in-waiter@example.org';
    const { contact, cookie } = await customer(email);
    const asked = await served.client.post('/products/notify', { email, sku: PRE_ORDER }, { headers: { cookie } });
    expect(asked.status).toBe(303);
    expect(asked.headers.location).toBe('/account/?saved=stock-request');
    const row = await db().selectFrom('stock_requests').selectAll().where('contact_id', '=', contact.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('confirmed');
    expect(await outboxTo(email)).toEqual([]);
    const page = load((await served.client.get('/account/', { cookie })).text);
    expect(page('#account-wish-list').parent().text()).toContain('Products we will e-mail you about once they are back in stock');
  });

  it('sends a signed-out wish to the sign-in, saying why', async () => {
    const answer = await served.client.post('/wishlist', { add: SOLD_OUT }, { traps: false });
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('/wishlist/sign-in-first');
    const page = load((await served.client.get('/wishlist/sign-in-first')).text);
    expect(page('h1').text()).toBe('Sign in to keep a wish list');
    expect(page('a[href="/account/sign-in"]').length).toBe(1);
    const french = await served.client.post('/fr/wishlist', { add: SOLD_OUT }, { traps: false });
    expect(french.headers.location).toBe('/fr/wishlist/sign-in-first');
  });

  it('brings a signed-out wish back to its product page once the customer has signed in by the mailed link', async () => {
    const email = 'coming-back@example.org';
    await customer(email);
    const product = load((await served.client.get('/fr/products/dahlia-cafe-au-lait/')).text);
    const back = product('form[action="/fr/wishlist"] input[name="back"]').attr('value');
    expect(back).toBe('/fr/products/dahlia-cafe-au-lait/');
    const wished = await served.client.post('/fr/wishlist', { add: PRE_ORDER, back: back! }, { traps: false });
    expect(wished.headers.location).toBe('/fr/account/sign-in?next=%2Ffr%2Fproducts%2Fdahlia-cafe-au-lait%2F');
    const signIn = load((await served.client.get(wished.headers.location!)).text);
    expect(signIn('form[action="/fr/account/sign-in"] input[name="next"]').attr('value')).toBe(back);
    expect(signIn('main').text()).toContain('le lien vous ramène à la page où vous étiez');
    const asked = await served.client.post('/fr/account/sign-in', { email, next: back! });
    expect(asked.status).toBe(303);
    const mail = await waitFor(() => served.sink.received.find((m) => m.to.includes(email)), `sign-in link to ${email}`);
    const token = tokenOf(mail.parsed.text ?? '', '/fr/account/sign-in/confirm');
    const signedIn = await served.client.post('/fr/account/sign-in/confirm', { token }, { traps: false });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe(back);
    // Another site's address is never a way back: the form refuses it, and so does the page.
    for (const elsewhere of ['//evil.example/', 'https://evil.example/', '/\\evil.example/']) {
      const refused = await served.client.post('/account/sign-in', { email, next: elsewhere });
      expect(refused.status, elsewhere).toBe(422);
      const page = load((await served.client.get(`/account/sign-in?next=${encodeURIComponent(elsewhere)}`)).text);
      expect(page('input[name="next"]').length, elsewhere).toBe(0);
    }
  });

  it('answers hostile posts with a 4xx and a message, never a crash', async () => {
    const { cookie } = await customer('hostile@example.org');
    for (const [where, fields, headers] of [
      ['/products/notify', { email: 'a@example.org', sku: 'NOPE-404' }, {}],
      ['/products/notify', { email: 'not-an-address', sku: SOLD_OUT }, {}],
      ['/products/notify', { email: 'a@example.org', sku: '<script>' }, {}],
      ['/products/notify', { email: 'a@example.org', sku: 'TUL-QON-10' }, {}],
      ['/wishlist', { add: 'lower-case!' }, { cookie }],
      ['/wishlist', { add: 'NOPE-404' }, { cookie }],
      ['/wishlist', {}, { cookie }],
    ] as const) {
      const answer = await served.client.post(where, fields, { traps: where !== '/wishlist', headers });
      expect(answer.status, `${where} ${JSON.stringify(fields)}`).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    }
    const confirm = await served.client.post('/products/notify/confirm', { token: 'x'.repeat(43) }, { traps: false });
    expect(confirm.status).toBe(400);
    expect((await served.client.get('/products/notify/confirm?token=nonsense')).status).toBe(400);
  });

  it('drops requests a year old across the year end (UTC), notified or not', async () => {
    const { contact } = await customer('old-request@example.org');
    const made = '2025-12-31T23:30:00.000Z';
    await db()
      .insertInto('stock_requests')
      .values({
        id: randomUUID(),
        contact_id: contact.id,
        sku: SOLD_OUT,
        status: 'confirmed',
        language: 'en-CA',
        created_at: made,
        confirmed_at: made,
        expires_at: null,
      })
      .execute();
    const count = () => db().selectFrom('stock_requests').select('id').where('contact_id', '=', contact.id).execute();
    await dropOldRequests({ db: db(), clock: () => new Date('2026-12-31T23:29:00.000Z') });
    expect(await count()).toHaveLength(1);
    await dropOldRequests({ db: db(), clock: () => new Date('2026-12-31T23:30:00.000Z') });
    expect(await count()).toHaveLength(0);
  });
});
