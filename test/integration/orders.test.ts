import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RapportConfig } from '../../integrations/rapport/config/schema.ts';
import { deliverDue } from '../../integrations/rapport/core/mail/outbox.ts';
import { createMailTransport } from '../../integrations/rapport/core/mail/transport.ts';
import { createSession, SESSION_COOKIE } from '../../integrations/rapport/core/security/sessions.ts';
import { appendConsent, upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { catalogOf } from '../../integrations/rapport/features/orders/catalog.ts';
import { FOLLOW_UP_PURPOSE } from '../../integrations/rapport/features/orders/place-order.ts';
import { sendDueFollowUps } from '../../integrations/rapport/features/orders/follow-up.ts';
import { setOrderStatus, shipOrder } from '../../integrations/rapport/features/orders/fulfil.ts';
import type { CatalogProduct } from '../../integrations/rapport/features/orders/pricing.ts';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { formClient, type Answer } from '../helpers/form-client.ts';
import { smtpSink, waitFor } from '../helpers/smtp-sink.ts';
import { drivers } from '../helpers/store-drivers.ts';

const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const SITE = 'https://www.chinookbulbfarm.ca';
const distDir = inject('referenceBuild');
const built = JSON.parse(readFileSync(path.join(distDir, 'server', 'rapport.json'), 'utf8')) as { config: RapportConfig };
const catalog = catalogOf((JSON.parse(readFileSync(path.join(distDir, 'server', 'catalog.json'), 'utf8')) as { products: CatalogProduct[] }).products);
const DAY = 86_400_000;

let keys = 0;
/** A fresh form key, as each drawing of the order page has. */
const formKey = () => `test-order-key-${Date.now().toString(36)}-${keys++}`.padEnd(24, 'x');

const address = {
  name: 'Ada Lovelace',
  street: '12 Main St',
  city: 'Vancouver',
  region: 'CA-BC',
  postal: 'v5k 0a1',
  shipping: 'standard',
  payment: 'e-transfer',
};

describe.each(drivers)('orders against the running reference server on $name', (driver) => {
  let running: RunningServer;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let client: ReturnType<typeof formClient>;
  const db = () => running.store.db;
  const services = (clock = () => new Date()) => ({ db: db(), config: built.config, site: new URL(SITE), secret: SECRET, clock, catalog });
  const mailTo = (to: string) => sink.received.filter((m) => m.to.includes(to));
  const order = (fields: Record<string, string | string[]>) => client.post('/order', { ...address, step: 'place', order_key: formKey(), ...fields });
  const numberOf = (answer: Answer) => /^\/orders\/([\w-]+)\?key=[\w-]{32}&placed=1$/.exec(String(answer.headers.location))?.[1];
  const orderCount = async () =>
    Number(
      (
        await db()
          .selectFrom('orders')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const errorsOf = (answer: Answer) => {
    const $ = load(answer.text);
    return Object.fromEntries(
      $('.error[id]')
        .map((_, el) => [
          [
            $(el)
              .attr('id')!
              .replace(/^order-/, '')
              .replace(/-error$/, ''),
            $(el).text(),
          ],
        ])
        .get() as Array<[string, string]>,
    );
  };

  beforeAll(async () => {
    await driver.setup();
    sink = await smtpSink();
    running = await startServer({
      distDir,
      port: 0,
      host: '127.0.0.1',
      store: driver.options(),
      secret: SECRET,
      mail: { smtpUrl: `smtp://127.0.0.1:${sink.port}`, intervalMs: 100, outbox: { baseDelayMs: 100 } },
      rateLimits: { perIp: { points: 10_000, duration: 600 }, messagesPerAddress: { points: 100, duration: 3600 } },
    });
    client = formClient(serverUrl(running.server), SECRET);
  });
  afterAll(async () => {
    await running?.close();
    await sink?.close();
    await driver.teardown();
  });

  it('draws the order page: what is in the cart (an older `?add=` link puts the product in it), where we ship, no card fields', async () => {
    const empty = load((await client.get('/order')).text);
    expect(empty('main').text()).toContain('Your cart is empty.');
    expect(empty('form[action="/order"]')).toHaveLength(0);
    const page = await client.get('/order?add=LIL-MAR-3');
    expect(page.status).toBe(200);
    expect(String(page.headers['set-cookie'])).toMatch(/^rapport_cart=LIL-MAR-3~1\./);
    const $ = load(page.text);
    expect($('main').text()).toContain('We ship to Canada and the United States (except Alaska and Hawaii).');
    const quantities = $('input[type=number][name^=qty_]')
      .map((_, el) => $(el).attr('name'))
      .get();
    expect(quantities).toEqual(['qty_LIL-MAR-3']);
    expect($('input[name="qty_LIL-MAR-3"]').attr('value')).toBe('1');
    // A sold-out product never gets in.
    expect(load((await client.get('/order?add=TUL-BAL-10')).text)('input[name^=qty_]')).toHaveLength(0);
    expect($('input[name=order_key]').attr('value')).toMatch(/^[\w-]{24}$/);
    expect(
      $('select[name=region] optgroup')
        .map((_, el) => $(el).attr('label'))
        .get(),
    ).toEqual(['Canada', 'United States']);
    expect($('input[name*=card], input[autocomplete^=cc-]')).toHaveLength(0);
    expect(
      $('button[name=step]')
        .map((_, el) => $(el).attr('value'))
        .get(),
    ).toEqual(['review', 'place']);
    // Rendered per request, compressed on the fly for slow links.
    const compressed = await client.get('/order', { 'accept-encoding': 'gzip' });
    expect(compressed.headers['content-encoding']).toBe('gzip');
    expect(compressed.headers.vary).toContain('Accept-Encoding');
  });

  it('works out totals without JavaScript ("Update totals") and stores nothing', async () => {
    const before = await orderCount();
    const review = await client.post('/order', { ...address, 'qty_ALL-GIG-3': '2', order_key: formKey(), step: 'review' }, { traps: false });
    expect(review.status).toBe(200);
    const $ = load(review.text);
    const rows = $('#order-totals tr')
      .map((_, tr) => `${$(tr).find('th').text()}: ${$(tr).find('td').text()}`)
      .get();
    // 2 × $17.95; 800 g is one kilogram at the rest-of-Canada rate; GST 5 % and BC PST 7 % on goods and shipping.
    expect(rows).toEqual(['Goods: $35.90', 'Shipping (Standard parcel): $14.00', 'GST 5 %: $2.50', 'PST 7 %: $3.49', 'Total: $55.89']);
    expect($('input[name="qty_ALL-GIG-3"]').attr('value')).toBe('2');
    expect(await orderCount()).toBe(before);
  });

  it('takes an order: one transaction, prices from the catalogue (a posted total is ignored), acknowledgement and staff mail over SMTP', async () => {
    const email = `buyer.${driver.name}@example.com`;
    const sent = await order({
      email,
      'qty_TUL-QON-10': '3',
      'qty_LIL-MAR-3': '1',
      region: 'CA-AB',
      postal: 'T4L 2N3',
      city: 'Lacombe',
      total: '0.01',
      price_TUL: '0',
    });
    expect(sent.status).toBe(303);
    const number = numberOf(sent)!;
    expect(number).toMatch(/^\d{6}-[A-Z0-9]{6}$/);
    const row = await db().selectFrom('orders').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
    // 3 × 14.95 + 21.95 = 66.80; 1,150 g → 2 kg at the Alberta rate 9.50 + 2.00; GST 5 % of 78.30 = 3.915 → 3.92.
    expect(row).toMatchObject({
      status: 'received',
      currency: 'CAD',
      subtotal_cents: 6680,
      shipping_cents: 1150,
      tax_cents: 392,
      total_cents: 8222,
      payment_method: 'e-transfer',
    });
    const lines = await db()
      .selectFrom('order_lines')
      .select(['sku', 'quantity', 'unit_cents', 'total_cents'])
      .where('order_id', '=', row.id)
      .orderBy('position')
      .execute();
    expect(lines.map((l) => ({ ...l }))).toEqual(
      expect.arrayContaining([
        { sku: 'TUL-QON-10', quantity: 3, unit_cents: 1495, total_cents: 4485 },
        { sku: 'LIL-MAR-3', quantity: 1, unit_cents: 2195, total_cents: 2195 },
      ]),
    );
    const contact = await db().selectFrom('contacts').select('kind').where('email', '=', email).executeTakeFirstOrThrow();
    expect(contact.kind).toBe('customer');

    const ack = await waitFor(() => mailTo(email)[0], 'the acknowledgement');
    expect(ack.parsed.subject).toBe(`Order ${number} received`);
    expect(ack.parsed.text).toContain("3 × Tulip 'Queen of Night'");
    expect(ack.parsed.text).toContain('Total: $82.22');
    expect(ack.parsed.text).toContain('Interac e-Transfer of $82.22 to hello@chinookbulbfarm.ca');
    expect(ack.parsed.text).toMatch(new RegExp(`${SITE}/orders/${number}\\?key=[\\w-]{32}`));
    const staff = await waitFor(
      () => sink.received.find((m) => m.to.includes('hello@chinookbulbfarm.ca') && m.parsed.subject?.includes(number)),
      'the staff copy',
    );
    expect(staff.parsed.subject).toBe(`New order ${number} from Ada Lovelace: $82.22`);
    expect(staff.parsed.replyTo?.text).toBe(email);
  });

  it('refuses bad input with a message on the field, and stores nothing', async () => {
    const before = await orderCount();
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ 'qty_ALL-GIG-3': '-1' }, 'qty_ALL-GIG-3', /whole number from 0 to 99/],
      [{ 'qty_ALL-GIG-3': '1.5' }, 'qty_ALL-GIG-3', /whole number from 0 to 99/],
      [{ 'qty_ALL-GIG-3': '1000000' }, 'qty_ALL-GIG-3', /up to 99/],
      [{ 'qty_ALL-GIG-3': '0' }, 'items', /at least one product/],
      [{ 'qty_NOPE-1': '2' }, 'items', /no product “NOPE-1”/],
      [{ 'qty_TUL-BAL-10': '1' }, 'qty_TUL-BAL-10', /sold out/],
      [{ 'qty_ALL-GIG-3': '1', country: 'FR', region: 'CA-BC' }, 'region', /We ship to Canada and the United States/],
      [{ 'qty_ALL-GIG-3': '1', region: 'MX-JA' }, 'region', /We ship to Canada and the United States/],
      [{ 'qty_ALL-GIG-3': '1', country: 'US', region: 'US-HI', postal: '96813' }, 'region', /do not ship to Hawaii/],
      [
        { 'qty_ALL-GIG-3': '1', country: 'US', region: 'US-WA', postal: '98101', shipping: 'express' },
        'shipping',
        /Express is not available to Washington\. Choose Standard parcel/,
      ],
      // An older page's country that contradicts the destination is refused on the destination…
      [{ 'qty_ALL-GIG-3': '1', country: 'CA', region: 'US-WA' }, 'region', /province or territory in Canada/],
      // …while the destination alone names the country: a Canadian postal code does not fit Washington.
      [{ 'qty_ALL-GIG-3': '1', region: 'US-WA' }, 'postal', /ZIP code like 59601/],
      [{ 'qty_ALL-GIG-3': '1', postal: '90210' }, 'postal', /postal code like T4L 2N3/],
      [{ 'qty_ALL-GIG-3': '1', payment: 'purchase-order' }, 'po_number', /purchase order number/],
      [{ 'qty_ALL-GIG-3': '1', payment: 'card' }, 'payment', /how you will pay/],
    ];
    for (const [fields, field, message] of cases) {
      const answer = await order({ email: 'bad-input@example.com', ...fields });
      expect(answer.status, JSON.stringify(fields)).toBe(422);
      expect(errorsOf(answer)[field], JSON.stringify(fields)).toMatch(message);
    }
    expect(await orderCount()).toBe(before);
  });

  it('makes one order of one form sent five times at once', async () => {
    const key = formKey();
    const email = `double.${driver.name}@example.com`;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => client.post('/order', { ...address, email, 'qty_CRO-REM-25': '4', step: 'place', order_key: key })),
    );
    expect(answers.map((a) => a.status)).toEqual([303, 303, 303, 303, 303]);
    expect(new Set(answers.map((a) => a.headers.location)).size).toBe(1);
    const rows = await db().selectFrom('orders').select('number').where('form_key', '=', key).execute();
    expect(rows).toHaveLength(1);
    await waitFor(() => mailTo(email)[0], 'the acknowledgement');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mailTo(email)).toHaveLength(1);
  });

  it('shows an order to its link, its signed-in owner and staff, and to nobody else', async () => {
    const email = `owner.${driver.name}@example.com`;
    const placed = await order({ email, 'qty_DAF-TAT-20': '2' });
    const number = numberOf(placed)!;
    const link = String(placed.headers.location);
    const page = await client.get(link);
    expect(page.status).toBe(200);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['cache-control']).toBe('private, no-store');
    expect(load(page.text)('h1').text()).toBe(`Order ${number}`);
    expect(load(page.text)('[role=status]').text()).toContain('We have your order');

    const signIn = async (who: string, role: 'customer' | 'editor') => {
      const contact = await upsertContact(db(), { email: who, name: who });
      const id = crypto.randomUUID();
      await db().insertInto('accounts').values({ id, contact_id: contact.id, role, created_at: new Date().toISOString() }).execute();
      return { cookie: `${SESSION_COOKIE}=${await createSession(db(), id)}` };
    };
    const owner = await signIn(email, 'customer');
    const stranger = await signIn(`stranger.${driver.name}@example.com`, 'customer');
    const staff = await signIn(`staff.${driver.name}@example.com`, 'editor');
    const notFound = (await client.get(`/orders/${number}`)).text;
    const cases: Array<[string, Record<string, string>, number]> = [
      [`/orders/${number}`, {}, 404],
      [`/orders/${number}?key=${'A'.repeat(32)}`, {}, 404],
      [`/orders/${number}?key=short`, {}, 404],
      [`/orders/${number}`, stranger, 404],
      [`/orders/${number}`, owner, 200],
      [`/orders/${number}`, staff, 200],
      ['/orders/261125-ZZZZZZ', staff, 404],
    ];
    for (const [url, headers, status] of cases) {
      const answer = await client.get(url, headers);
      expect(answer.status, `${url} ${JSON.stringify(headers)}`).toBe(status);
      if (status === 404) expect(answer.text).not.toContain('DAF-TAT-20');
      if (status === 404) expect(load(answer.text)('main').text()).toBe(load(notFound)('main').text());
    }
    const account = load((await client.get('/account/', owner)).text);
    expect(account(`#account-orders ~ ul a[href="/orders/${number}"], section:has(#account-orders) a[href="/orders/${number}"]`).text()).toBe(
      `Order ${number}`,
    );
  });

  it('ships with a tracking link for the detected carrier, one mail each, and says plainly when no carrier matches', async () => {
    const email = `ship.${driver.name}@example.com`;
    const number = numberOf(await order({ email, 'qty_FRI-MEL-10': '1' }))!;
    await waitFor(() => mailTo(email)[0], 'the acknowledgement');
    const choice = await shipOrder(services(), number, '1z 999 aa1 0123456784', { actor: 'staff:test' });
    expect(choice).toMatchObject({ carrier: 'ups', confidence: 'high', url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784' });
    const mail = await waitFor(() => mailTo(email).find((m) => m.parsed.subject === `Order ${number} has shipped`), 'the shipping mail');
    expect(mail.parsed.text).toContain('https://www.ups.com/track?tracknum=1Z999AA10123456784');
    const page = load((await client.get(`/orders/${number}?key=${/key=([\w-]{32})/.exec(mail.parsed.text!)![1]}`)).text);
    expect(page('a[href="https://www.ups.com/track?tracknum=1Z999AA10123456784"]').text()).toBe('Track parcel 1Z999AA10123456784 with UPS');
    expect(page('.badge').first().text()).toBe('Shipped');

    // A second parcel whose number no carrier knows: stored, no link, said plainly.
    const unknown = await shipOrder(services(), number, 'ABC123XYZ', { actor: 'staff:test' });
    expect(unknown).toMatchObject({ carrier: null, url: null, confidence: 'none' });
    const second = await waitFor(() => mailTo(email).filter((m) => m.parsed.subject === `Order ${number} has shipped`)[1], 'the second shipping mail');
    expect(second.parsed.text).toContain('we could not match it to a carrier');
    const shipments = await db()
      .selectFrom('shipments')
      .innerJoin('orders', 'orders.id', 'shipments.order_id')
      .select(['tracking_number', 'tracking_url'])
      .where('orders.number', '=', number)
      .orderBy('shipments.created_at')
      .execute();
    expect(shipments).toEqual([
      { tracking_number: '1Z999AA10123456784', tracking_url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784' },
      { tracking_number: 'ABC123XYZ', tracking_url: null },
    ]);
    await expect(setOrderStatus(services(), number, 'confirmed', { actor: 'staff:test' })).rejects.toThrow(/is shipped; it cannot become confirmed/);
  });

  it('sends the after-sale e-mail once, 30 days after delivery, with what others bought together, unless the customer opted out', async () => {
    // Another customer bought Sibirica squills with Muscari: the suggestion for a Muscari buyer.
    await order({ email: `earlier.${driver.name}@example.com`, 'qty_MUS-ARM-25': '1', 'qty_SCI-SIB-25': '2' });
    const email = `followup.${driver.name}@example.com`;
    const number = numberOf(await order({ email, 'qty_MUS-ARM-25': '2' }))!;
    const optedOut = `optout.${driver.name}@example.com`;
    const other = numberOf(await order({ email: optedOut, 'qty_MUS-ARM-25': '1' }))!;
    const delivered = new Date();
    for (const n of [number, other]) {
      await shipOrder(services(), n, '1Z999AA10123456784', { actor: 'staff:test' });
      await setOrderStatus(
        services(() => delivered),
        n,
        'delivered',
        { actor: 'staff:test' },
      );
    }
    const contact = await db().selectFrom('contacts').select('id').where('email', '=', optedOut).executeTakeFirstOrThrow();
    await appendConsent(db(), {
      contact_id: contact.id,
      purpose: FOLLOW_UP_PURPOSE,
      action: 'withdrawn',
      form_id: 'unsubscribe@1',
      wording_hash: 'a'.repeat(64),
      policy_version: '1',
      source: 'test',
    });

    const at = (days: number) => () => new Date(delivered.getTime() + days * DAY);
    expect(await sendDueFollowUps(services(at(29)))).toBe(0);
    expect(await sendDueFollowUps(services(at(30.01)))).toBe(1);
    expect(await sendDueFollowUps(services(at(31)))).toBe(0);
    // The mail is due at the (simulated) time it was written: deliver the outbox at that time.
    await deliverDue(db(), createMailTransport({ smtpUrl: `smtp://127.0.0.1:${sink.port}`, mailDir: '' }), 'Chinook Bulb Farm <hello@chinookbulbfarm.ca>', {
      clock: at(31),
    });
    const mail = await waitFor(() => mailTo(email).find((m) => m.parsed.subject?.startsWith('How are your')), 'the after-sale mail');
    expect(mail.parsed.text).toContain(`${SITE}/products/scilla-siberica/`);
    const header = (key: string) => mail.parsed.headerLines.find((h) => h.key === key)?.line.replace(/\r?\n\s+/g, ' ');
    expect(header('list-unsubscribe')).toMatch(/^List-Unsubscribe: <https:\/\/www\.chinookbulbfarm\.ca\/unsubscribe\?token=[\w-]+>$/);
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mailTo(optedOut).some((m) => m.parsed.subject?.startsWith('How are your'))).toBe(false);
    const skipped = await db()
      .selectFrom('activities')
      .select('summary')
      .where('contact_id', '=', contact.id)
      .where('type', '=', 'follow-up-skipped')
      .execute();
    expect(skipped.map((s) => s.summary)).toEqual([`No after-sale e-mail for order ${other}: opted out`]);
  });

  it('lets anyone paste a tracking number on /track, typed loosely, and says plainly when it matches no carrier', async () => {
    const ups = load((await client.get(`/track?number=${encodeURIComponent(' 1z 999 aa1 0123456784 ')}`)).text);
    expect(
      ups('section[aria-labelledby="track-result"] a')
        .map((_, a) => ups(a).attr('href'))
        .get(),
    ).toEqual(['https://www.ups.com/track?tracknum=1Z999AA10123456784']);
    const none = load((await client.get('/track?number=hello+world')).text);
    expect(none('section[aria-labelledby="track-result"] a')).toHaveLength(0);
    expect(none('[role="status"]').text()).toContain('does not look like a tracking number');
    expect(none('[role="status"] a').attr('href')).toBe('/contact/message');
    const home = load((await client.get('/')).text);
    expect(home('footer a[href="/track"]').text()).toBe('Track a delivery');
    // Ordering starts from a product (the cart); the home page leads to the catalogue, not to an empty order form.
    expect(home('main a[href="/products/"]').first().text()).toBe('Browse and order our bulbs');
    expect(home('main a[href="/order"]')).toHaveLength(0);
  });
});

describe('npx rapport orders', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-orders-cli-'));
    await mkdir(path.join(tmp, 'dist'));
    await symlink(path.join(distDir, 'server'), path.join(tmp, 'dist', 'server'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));
  const cli = (...args: string[]) =>
    promisify(execFile)(process.execPath, [path.resolve('integrations/rapport/cli/rapport.ts'), ...args], {
      cwd: tmp,
      env: { ...process.env, DATABASE_URL: '', RAPPORT_SECRET: SECRET },
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it('lists orders and refuses to ship one that does not exist, with a clear message', async () => {
    expect((await cli('orders', 'list')).stdout).toBe('No orders.\n');
    const ship = await cli('orders', 'ship', '261125-ZZZZZZ', '1Z999AA10123456784');
    expect(ship.code).toBe(1);
    expect(ship.stderr).toBe('There is no order 261125-ZZZZZZ.\n');
    const status = await cli('orders', 'status', '261125-ZZZZZZ', 'shipped');
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('use "orders ship" for shipped');
  });
});
