import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSession, SESSION_COOKIE } from '../../integrations/rapport/core/security/sessions.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { CART_COOKIE, encodeCart } from '../../integrations/rapport/features/orders/cart.ts';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { formClient, type Answer } from '../helpers/form-client.ts';
import { drivers } from '../helpers/store-drivers.ts';

const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const distDir = inject('referenceBuild');

let keys = 0;
const formKey = () => `test-cart-key-${Date.now().toString(36)}-${keys++}`.padEnd(24, 'x');

/** The cart cookie an answer sets (`''` when it clears it), or `undefined` when it sets none. */
const cartSet = (answer: Answer) => {
  const line = [answer.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith(`${CART_COOKIE}=`));
  return line === undefined ? undefined : { value: /^[^=]+=([^;]*)/.exec(line)![1]!, attributes: line };
};

describe.each(drivers)('the cart without JavaScript, on $name', (driver) => {
  let running: RunningServer;
  let client: ReturnType<typeof formClient>;
  const db = () => running.store.db;
  /** One visitor: a browser's cookie jar for the cart (and a session when signed in). */
  const visitor = (session = '') => {
    let cart = '';
    const cookie = () => [cart && `${CART_COOKIE}=${cart}`, session].filter(Boolean).join('; ');
    const keep = (answer: Answer) => {
      const set = cartSet(answer);
      if (set) cart = set.value;
      return answer;
    };
    return {
      cart: () => cart,
      setCart: (value: string) => (cart = value),
      get: async (path: string) => keep(await client.get(path, cookie() ? { cookie: cookie() } : {})),
      post: async (path: string, fields: Record<string, string>, traps = false) =>
        keep(await client.post(path, fields, { traps, headers: cookie() ? { cookie: cookie() } : {} })),
    };
  };
  const linesOf = (answer: Answer) => {
    const $ = load(answer.text);
    return $('.cart-line')
      .map((_, li) => `${$(li).find('.cart-what a').text()} × ${$(li).find('input[type=number]').attr('value')}`)
      .get();
  };

  beforeAll(async () => {
    await driver.setup();
    running = await startServer({
      distDir,
      port: 0,
      host: '127.0.0.1',
      store: driver.options(),
      secret: SECRET,
      rateLimits: { perIp: { points: 10_000, duration: 600 }, messagesPerAddress: { points: 100, duration: 3600 } },
    });
    client = formClient(serverUrl(running.server), SECRET);
  });
  afterAll(async () => {
    await running?.close();
    await driver.teardown();
  });

  it('adds from a product page, adds more, changes a quantity and removes a product', async () => {
    const product = load((await client.get('/products/tulip-queen-of-night/')).text);
    const button = product('main form[action="/cart"]');
    expect(button.find('input[name=add]').attr('value')).toBe('TUL-QON-10');
    expect(button.find('button').text()).toBe('Add to order');

    const v = visitor();
    expect(linesOf(await v.get('/cart'))).toEqual([]);
    const added = await v.post('/cart', { add: 'TUL-QON-10', quantity: '2' });
    expect(added.status).toBe(303);
    expect(added.headers.location).toBe('/cart');
    expect(cartSet(added)!.attributes).toMatch(/HttpOnly/i);
    expect(cartSet(added)!.attributes).toMatch(/SameSite=Lax/i);
    // Product codes and quantities only, signed.
    expect(v.cart()).toMatch(/^TUL-QON-10~2\.[\w-]{22}$/);
    await v.post('/cart', { add: 'TUL-QON-10' });
    await v.post('/cart', { add: 'LIL-MAR-3' });
    const cart = await v.get('/cart');
    expect(cart.status).toBe(200);
    expect(cart.headers['cache-control']).toBe('no-store');
    expect(linesOf(cart)).toEqual(["Tulip 'Queen of Night' × 3", 'Martagon Lily, mixed colours × 1']);
    // Small pictures, drawn from the build's thumbnails.
    const $ = load(cart.text);
    expect($('.cart-line img').length).toBe(2);
    for (const src of $('.cart-line img')
      .map((_, img) => $(img).attr('src'))
      .get())
      expect((await client.get(src)).status).toBe(200);

    const changed = await v.post('/cart', { 'qty_TUL-QON-10': '5', 'qty_LIL-MAR-3': '1', go: 'cart' });
    expect(changed.headers.location).toBe('/cart');
    expect(linesOf(await v.get('/cart'))).toEqual([expect.stringMatching(/ × 5$/), expect.stringMatching(/ × 1$/)]);
    // 0 takes a product out; "Remove" does too.
    await v.post('/cart', { 'qty_TUL-QON-10': '0', 'qty_LIL-MAR-3': '1', go: 'cart' });
    expect(linesOf(await v.get('/cart'))).toEqual(['Martagon Lily, mixed colours × 1']);
    const removed = await v.post('/cart', { remove: 'LIL-MAR-3' });
    expect(cartSet(removed)!.attributes).toMatch(/Max-Age=0/i);
    expect(load((await v.get('/cart')).text)('main').text()).toContain('Your cart is empty');
  });

  it('leads back to the cart from every page: with the count where the server draws the page, a plain link on static ones', async () => {
    const header = (answer: Answer) => load(answer.text)('.site-header a[href="/cart"]');
    const v = visitor();
    expect(header(await v.get('/search?q=tulip')).text()).toBe('Your order');
    await v.post('/cart', { add: 'TUL-QON-10', quantity: '2' });
    await v.post('/cart', { add: 'LIL-MAR-3' });
    expect(header(await v.get('/search?q=tulip')).text()).toBe('Your order (3)');
    const cart = header(await v.get('/cart'));
    expect([cart.text(), cart.attr('aria-current')]).toEqual(['Your order (3)', 'page']);
    // A built page is the same for everyone: it cannot know the cart.
    expect(header(await v.get('/products/tulip-queen-of-night/')).text()).toBe('Your order');
    // A cookie the server did not sign counts for nothing.
    v.setCart('TUL-QON-10~99.forgedforgedforgedforged');
    expect(header(await v.get('/search?q=tulip')).text()).toBe('Your order');
  });

  it('refuses what is not a product or not a quantity, with a message and the cart unchanged', async () => {
    const v = visitor();
    await v.post('/cart', { add: 'ALL-GIG-3' });
    const before = v.cart();
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ add: 'NOPE-123' }, /We have no product “NOPE-123”/],
      [{ add: 'TUL-BAL-10' }, /cannot be ordered just now/],
      [{ add: 'not a sku' }, /not one of our product codes/],
      [{ add: 'ALL-GIG-3', quantity: '0' }, /whole number from 1 to 99/],
      [{ 'qty_ALL-GIG-3': '-1', go: 'cart' }, /whole number from 0 to 99/],
      [{ 'qty_ALL-GIG-3': '100', go: 'cart' }, /whole number from 0 to 99/],
      [{ total: '0.01' }, /does not have the field “total”/],
      [{ go: 'checkout' }, /./],
    ];
    for (const [fields, message] of cases) {
      const answer = await v.post('/cart', fields);
      expect(answer.status, JSON.stringify(fields)).toBe(422);
      expect(load(answer.text)('main [role=alert]').text(), JSON.stringify(fields)).toMatch(message);
      expect(cartSet(answer), JSON.stringify(fields)).toBeUndefined();
    }
    expect(v.cart()).toBe(before);
    // A cookie not signed by this server is an empty cart.
    v.setCart(`TUL-QON-10~2.${'A'.repeat(22)}`);
    expect(linesOf(await v.get('/cart'))).toEqual([]);
    // Posted from elsewhere: refused by the origin check like every form.
    const foreign = await client.post('/cart', { add: 'ALL-GIG-3' }, { traps: false, headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
  });

  it('goes on to the order form with what is in the cart, one destination choice, and places the order from it', async () => {
    const v = visitor();
    await v.post('/cart', { add: 'TUL-QON-10', quantity: '2' });
    await v.post('/cart', { add: 'ALL-GIG-3' });
    const onward = await v.post('/cart', { 'qty_TUL-QON-10': '2', 'qty_ALL-GIG-3': '1', go: 'order' });
    expect(onward.headers.location).toBe('/order');
    const page = await v.get('/order');
    const $ = load(page.text);
    expect(
      $('input[type=number][name^=qty_]')
        .map((_, el) => `${$(el).attr('name')}=${$(el).attr('value')}`)
        .get(),
    ).toEqual(['qty_TUL-QON-10=2', 'qty_ALL-GIG-3=1']);
    expect($('.order-line img')).toHaveLength(2);
    // One choice names province and country; no separate country field; where the shop does not ship is not offered.
    expect($('select[name=country], input[name=country]')).toHaveLength(0);
    const labels = $('select[name=region] option')
      .map((_, o) => $(o).text())
      .get();
    expect(labels).toContain('Alberta, Canada');
    expect(labels).toContain('Washington, United States');
    expect(labels).not.toContain('Alaska, United States');
    expect(
      $('select[name=region] optgroup')
        .map((_, g) => $(g).attr('label'))
        .get(),
    ).toEqual(['Canada', 'United States']);

    const placed = await v.post(
      '/order',
      {
        'qty_TUL-QON-10': '2',
        'qty_ALL-GIG-3': '1',
        name: 'Casey Jones',
        email: `cart.${driver.name}@example.com`,
        street: '1 Pine St',
        city: 'Spokane',
        region: 'US-WA',
        postal: '99201',
        shipping: 'standard',
        payment: 'invoice',
        order_key: formKey(),
        step: 'place',
      },
      true,
    );
    expect(placed.status, placed.text.slice(0, 500)).toBe(303);
    // The destination said the United States; the cart is empty again.
    expect(cartSet(placed)!.attributes).toMatch(/Max-Age=0/i);
    const number = /^\/orders\/([\w-]+)\?/.exec(String(placed.headers.location))![1]!;
    const row = await db().selectFrom('orders').select(['ship_to', 'subtotal_cents']).where('number', '=', number).executeTakeFirstOrThrow();
    expect(JSON.parse(row.ship_to)).toMatchObject({ region: 'WA', country: 'US', postal: '99201' });
    expect(row.subtotal_cents).toBe(2 * 1495 + 1795);
    // Its page writes the address as the US post does, and the time in the business's zone (Alberta's).
    const $order = load((await client.get(String(placed.headers.location))).text);
    const delivery = $order('section[aria-labelledby=order-delivery] p').first();
    delivery.find('br').replaceWith('\n');
    expect(delivery.text()).toBe('Casey Jones\n1 Pine St\nSpokane, WA 99201\nUNITED STATES');
    expect($order('main').text()).toMatch(/\d{1,2}:\d{2} [ap]\.m\. M[DS]T/);
    expect($order('main').text()).not.toContain('UTC');
  });

  it('takes the destination as the country: a contradicting country is refused on the destination', async () => {
    const answer = await client.post('/order', {
      'qty_ALL-GIG-3': '1',
      name: 'Casey Jones',
      email: `contradict.${driver.name}@example.com`,
      street: '1 Pine St',
      city: 'Vancouver',
      region: 'CA-BC',
      country: 'US',
      postal: 'V5K 0A1',
      shipping: 'standard',
      payment: 'invoice',
      order_key: formKey(),
      step: 'place',
    });
    expect(answer.status).toBe(422);
    expect(load(answer.text)('#order-region-error').text()).toMatch(/Choose a state in the United States/);
  });

  it('keeps the quantities changed on the order form ("Update totals") in the cart', async () => {
    const v = visitor();
    await v.post('/cart', { add: 'ALL-GIG-3' });
    const review = await v.post('/order', {
      'qty_ALL-GIG-3': '4',
      region: 'CA-AB',
      shipping: 'standard',
      payment: 'invoice',
      order_key: formKey(),
      step: 'review',
    });
    expect(review.status).toBe(200);
    expect(linesOf(await v.get('/cart'))).toEqual([expect.stringMatching(/ × 4$/)]);
  });

  it('fills in a signed-in customer’s name, e-mail and last delivery address', async () => {
    const email = `signed.in.${driver.name}@example.com`;
    const contact = await upsertContact(db(), { email, name: 'Morgan Reyes', organisation: 'Reyes Gardens' });
    const account = crypto.randomUUID();
    await db().insertInto('accounts').values({ id: account, contact_id: contact.id, role: 'customer', created_at: new Date().toISOString() }).execute();
    const v = visitor(`${SESSION_COOKIE}=${await createSession(db(), account)}`);
    v.setCart(encodeCart([{ sku: 'ALL-GIG-3', quantity: 1 }], SECRET));
    const value = (answer: Answer, name: string) => load(answer.text)(`[name=${name}]`).attr('value');
    const first = await v.get('/order');
    expect([value(first, 'name'), value(first, 'email'), value(first, 'organisation'), value(first, 'street')]).toEqual([
      'Morgan Reyes',
      email,
      'Reyes Gardens',
      '',
    ]);
    const placed = await v.post(
      '/order',
      {
        'qty_ALL-GIG-3': '1',
        name: 'Morgan Reyes',
        email,
        street: '9 Birch Rd',
        city: 'Red Deer',
        region: 'CA-AB',
        postal: 'T4N 1X1',
        shipping: 'standard',
        payment: 'invoice',
        order_key: formKey(),
        step: 'place',
      },
      true,
    );
    expect(placed.status).toBe(303);
    await v.post('/cart', { add: 'ALL-GIG-3' });
    const again = await v.get('/order');
    expect([value(again, 'street'), value(again, 'city'), value(again, 'postal')]).toEqual(['9 Birch Rd', 'Red Deer', 'T4N 1X1']);
    expect(load(again.text)('select[name=region] option[selected]').attr('value')).toBe('CA-AB');
    // Someone else sees an empty form.
    const stranger = visitor();
    stranger.setCart(encodeCart([{ sku: 'ALL-GIG-3', quantity: 1 }], SECRET));
    const theirs = await stranger.get('/order');
    expect([value(theirs, 'name'), value(theirs, 'street')]).toEqual(['', '']);
  });
});
