import { describe, expect, it } from 'vitest';
import { OrdersSchema } from '../../integrations/rapport/config/orders.ts';
import {
  formatMoney,
  orderRules,
  percentOf,
  priceOrder,
  shipsToText,
  type Cart,
  type CatalogProduct,
  type Priced,
  type Quote,
} from '../../integrations/rapport/features/orders/pricing.ts';

const product = (sku: string, name: string, priceCents: number, grams: number, availability = 'in_stock', currency = 'CAD'): CatalogProduct => ({
  sku,
  name,
  unit: 'bag',
  priceCents,
  currency,
  grams,
  availability,
  category: 'Bulbs',
  path: `/products/${sku.toLowerCase()}/`,
  featured: false,
});

const catalog = new Map(
  [
    product('TUL', 'Tulip bulbs', 1495, 300),
    product('LIL', 'Lily bulbs', 2195, 250),
    product('BIG', 'Bulb crate', 1000, 1000),
    product('ODD', 'Seed tin', 500, 1001),
    product('HEAVY', 'Compost sack', 2000, 2500),
    product('CARD', 'Gift card', 2500, 0),
    product('BACK', 'Dahlia tubers', 1450, 400, 'backorder'),
    product('PRE', 'Garlic sets', 895, 200, 'preorder'),
    product('GONE', 'Crocus corms', 1595, 300, 'out_of_stock'),
    product('OLD', 'Iris rhizomes', 995, 200, 'discontinued'),
    product('USD', 'Imported peonies', 1200, 200, 'in_stock', 'USD'),
  ].map((p) => [p.sku, p]),
);

const STANDARD = {
  id: 'standard',
  label: 'Standard parcel',
  // Alberta's rate is listed before the country-wide one, so it is the one Alberta gets.
  rates: [
    { country: 'CA', regions: ['AB'], base: 9.5, perKg: 2, freeOver: 100 },
    { country: 'CA', base: 14, perKg: 4 },
    { country: 'US', base: 24, perKg: 8 },
  ],
};
const EXPRESS = { id: 'express', label: 'Express', rates: [{ country: 'CA', base: 28, perKg: 6 }] };

/** The shop's rules through the real option parsing; Canada and the US but not Alaska or Hawaii. */
const rules = (options: Record<string, unknown> = {}) =>
  orderRules(
    OrdersSchema.parse({
      shipsTo: [
        { country: 'CA', except: [] },
        { country: 'US', except: ['AK', 'HI'] },
      ],
      shipping: [STANDARD, EXPRESS],
      ...options,
    }),
    'en-CA',
  );

const cart = (items: Record<string, number>, country: string, region: string, shipping = 'standard'): Cart => ({
  items: Object.entries(items).map(([sku, quantity]) => ({ sku, quantity })),
  country,
  region,
  shipping,
});

/** The quote of a cart that must be accepted, checked for figures that add up. */
const quoted = (priced: Priced): Quote => {
  if (!priced.ok) throw new Error(`expected a quote, got errors ${JSON.stringify(priced.errors)}`);
  const q = priced.quote;
  expect(q.totalCents).toBe(q.subtotalCents + q.shipping.cents + q.taxCents);
  expect(q.taxCents).toBe(q.taxes.reduce((s, t) => s + t.cents, 0));
  expect(q.subtotalCents).toBe(q.lines.reduce((s, l) => s + l.totalCents, 0));
  for (const line of q.lines) {
    const listed = catalog.get(line.sku);
    expect(listed, line.sku).toBeDefined();
    expect(line.unitCents).toBe(listed!.priceCents);
    expect(line.totalCents).toBe(line.unitCents * line.quantity);
    expect(line.grams).toBe(listed!.grams * line.quantity);
  }
  return q;
};

/** The errors of a cart that must be refused. */
const refused = (priced: Priced): Record<string, string> => {
  if (priced.ok) throw new Error(`expected errors, got a quote totalling ${priced.quote.totalCents}`);
  return priced.errors;
};

const WA_GOODS_ONLY = { country: 'US', regions: ['WA'], name: 'WA sales tax', rate: 6.5, shipping: false };

describe('sales tax by destination', () => {
  // Two bags of tulips: 2 × 14.95 = 29.90 of goods, 600 g (one kilogram). Shipping 14.00 in
  // Canada (9.50 in Alberta), 24.00 to the US. Every figure below is worked out by hand.
  it.each<{
    name: string;
    country?: string;
    region: string;
    items?: Record<string, number>;
    taxes?: Record<string, unknown>;
    subtotal: number;
    shipping: number;
    expected: Array<[string, number]>;
    total: number;
  }>([
    // 5 % of (29.90 + 9.50) = 1.97
    { name: 'Alberta pays GST 5 % on goods and shipping', region: 'AB', subtotal: 2990, shipping: 950, expected: [['GST', 197]], total: 4137 },
    // 13 % of 43.90 = 5.707 → 5.71
    { name: 'Ontario pays HST 13 %', region: 'ON', subtotal: 2990, shipping: 1400, expected: [['HST', 571]], total: 4961 },
    // 14 % of 43.90 = 6.146 → 6.15
    { name: 'Nova Scotia pays HST 14 %', region: 'NS', subtotal: 2990, shipping: 1400, expected: [['HST', 615]], total: 5005 },
    // 15 % of 43.90 = 6.585 → 6.59 (half up)
    { name: 'New Brunswick pays HST 15 %', region: 'NB', subtotal: 2990, shipping: 1400, expected: [['HST', 659]], total: 5049 },
    { name: 'Newfoundland and Labrador pays HST 15 %', region: 'NL', subtotal: 2990, shipping: 1400, expected: [['HST', 659]], total: 5049 },
    { name: 'Prince Edward Island pays HST 15 %', region: 'PE', subtotal: 2990, shipping: 1400, expected: [['HST', 659]], total: 5049 },
    // 5 % of 43.90 = 2.195 → 2.20
    { name: 'Quebec pays GST only when the shop does not collect QST', region: 'QC', subtotal: 2990, shipping: 1400, expected: [['GST', 220]], total: 4610 },
    // + 9.975 % of 43.90 = 4.379 → 4.38
    {
      name: 'Quebec pays GST and QST 9.975 % when the shop collects QST',
      region: 'QC',
      taxes: { canada: { pst: ['QC'] } },
      subtotal: 2990,
      shipping: 1400,
      expected: [
        ['GST', 220],
        ['QST', 438],
      ],
      total: 5048,
    },
    {
      name: 'British Columbia pays GST only when the shop does not collect PST',
      region: 'BC',
      subtotal: 2990,
      shipping: 1400,
      expected: [['GST', 220]],
      total: 4610,
    },
    // + 7 % of 43.90 = 3.073 → 3.07
    {
      name: 'British Columbia pays GST and PST 7 % when the shop collects PST',
      region: 'BC',
      taxes: { canada: { pst: ['BC'] } },
      subtotal: 2990,
      shipping: 1400,
      expected: [
        ['GST', 220],
        ['PST', 307],
      ],
      total: 4917,
    },
    // + 6 % of 43.90 = 2.634 → 2.63
    {
      name: 'Saskatchewan pays GST and PST 6 % when the shop collects PST',
      region: 'SK',
      taxes: { canada: { pst: ['SK'] } },
      subtotal: 2990,
      shipping: 1400,
      expected: [
        ['GST', 220],
        ['PST', 263],
      ],
      total: 4873,
    },
    // + 7 % of 43.90 = 3.073 → 3.07
    {
      name: 'Manitoba pays GST and RST 7 % when the shop collects RST',
      region: 'MB',
      taxes: { canada: { pst: ['MB'] } },
      subtotal: 2990,
      shipping: 1400,
      expected: [
        ['GST', 220],
        ['RST', 307],
      ],
      total: 4917,
    },
    {
      name: "a province's sales tax is not charged in another province",
      region: 'BC',
      taxes: { canada: { pst: ['SK', 'QC'] } },
      subtotal: 2990,
      shipping: 1400,
      expected: [['GST', 220]],
      total: 4610,
    },
    {
      name: 'nothing is charged when the shop is not registered for GST/HST',
      region: 'ON',
      taxes: { canada: { gstHst: false } },
      subtotal: 2990,
      shipping: 1400,
      expected: [],
      total: 4390,
    },
    // Free shipping in Alberta from 100.00 of goods: 5 % of 100.00 = 5.00, none on shipping
    {
      name: 'tax on free shipping is tax on the goods alone',
      region: 'AB',
      items: { BIG: 10 },
      subtotal: 10000,
      shipping: 0,
      expected: [['GST', 500]],
      total: 10500,
    },
    // One bag of lilies: 21.95, 250 g; 6.5 % of 21.95 = 1.42675 → 1.43 (on 45.95 it would be 2.99)
    {
      name: 'a US rule that does not tax shipping taxes the goods only',
      country: 'US',
      region: 'WA',
      items: { LIL: 1 },
      taxes: { rules: [WA_GOODS_ONLY] },
      subtotal: 2195,
      shipping: 2400,
      expected: [['WA sales tax', 143]],
      total: 4738,
    },
    // 6.5 % of (21.95 + 24.00) = 2.98675 → 2.99
    {
      name: 'a US rule taxes shipping too when `shipping` is left out',
      country: 'US',
      region: 'WA',
      items: { LIL: 1 },
      taxes: { rules: [{ country: 'US', regions: ['WA'], name: 'WA sales tax', rate: 6.5 }] },
      subtotal: 2195,
      shipping: 2400,
      expected: [['WA sales tax', 299]],
      total: 4894,
    },
    {
      name: 'a US rule is not charged in another state',
      country: 'US',
      region: 'OR',
      items: { LIL: 1 },
      taxes: { rules: [WA_GOODS_ONLY] },
      subtotal: 2195,
      shipping: 2400,
      expected: [],
      total: 4595,
    },
    {
      name: 'Canadian taxes are not charged in the US',
      country: 'US',
      region: 'NY',
      items: { LIL: 1 },
      taxes: { canada: { pst: ['BC'] } },
      subtotal: 2195,
      shipping: 2400,
      expected: [],
      total: 4595,
    },
  ])('$name', ({ country = 'CA', region, items = { TUL: 2 }, taxes, subtotal, shipping, expected, total }) => {
    const q = quoted(priceOrder(rules(taxes ? { taxes } : {}), catalog, cart(items, country, region)));
    expect(q.subtotalCents).toBe(subtotal);
    expect(q.shipping.cents).toBe(shipping);
    expect(q.taxes.map((t) => [t.name, t.cents])).toEqual(expected);
    expect(q.taxCents).toBe(expected.reduce((s, [, c]) => s + c, 0));
    expect(q.totalCents).toBe(total);
    expect(q.totalCents).toBe(q.subtotalCents + q.shipping.cents + q.taxCents);
  });

  it('reports each tax with its rate', () => {
    const q = quoted(priceOrder(rules({ taxes: { canada: { pst: ['QC'] } } }), catalog, cart({ TUL: 2 }, 'CA', 'QC')));
    expect(q.taxes).toEqual([
      { name: 'GST', rate: 5, cents: 220 },
      { name: 'QST', rate: 9.975, cents: 438 },
    ]);
  });
});

describe('percentOf', () => {
  it.each([
    { amount: 10, percent: 5, cents: 1, why: '0.5 rounds up' },
    { amount: 30, percent: 5, cents: 2, why: '1.5 rounds up' },
    { amount: 29, percent: 5, cents: 1, why: '1.45 rounds down' },
    { amount: 1005, percent: 10, cents: 101, why: '100.5 rounds up' },
    { amount: 1795, percent: 9.975, cents: 179, why: '179.05125 rounds down' },
    // 2000 × (9.975 / 100) is 199.49999999999997 in floating point; exactly it is 199.5
    { amount: 2000, percent: 9.975, cents: 200, why: '199.5 rounds up, with no floating-point drift' },
    // 6250 × (4.712 / 100) is 294.49999999999994 in floating point; exactly it is 294.5
    { amount: 6250, percent: 4.712, cents: 295, why: '294.5 rounds up, with no floating-point drift' },
    { amount: 4390, percent: 15, cents: 659, why: '658.5 rounds up' },
    { amount: 0, percent: 13, cents: 0, why: 'nothing is nothing' },
  ])('$percent % of $amount cents is $cents cents ($why)', ({ amount, percent, cents }) => {
    expect(percentOf(amount, percent)).toBe(cents);
  });
});

describe('shipping', () => {
  // Country-wide Canadian rate: 14.00 for the first kilogram, 4.00 for each further one started.
  // Alberta: 9.50 + 2.00 a kilogram, free from 100.00 of goods.
  it.each<{ name: string; region: string; items: Record<string, number>; grams: number; subtotal: number; shipping: number }>([
    { name: 'exactly 1 kg costs the base price', region: 'ON', items: { BIG: 1 }, grams: 1000, subtotal: 1000, shipping: 1400 },
    { name: 'a parcel under 1 kg costs the base price', region: 'ON', items: { TUL: 1 }, grams: 300, subtotal: 1495, shipping: 1400 },
    { name: 'a weightless parcel costs the base price', region: 'ON', items: { CARD: 1 }, grams: 0, subtotal: 2500, shipping: 1400 },
    { name: '1 g over a kilogram starts a second one', region: 'ON', items: { ODD: 1 }, grams: 1001, subtotal: 500, shipping: 1800 },
    { name: '2 kg costs base + 1 × perKg', region: 'ON', items: { BIG: 2 }, grams: 2000, subtotal: 2000, shipping: 1800 },
    { name: '2.5 kg costs base + 2 × perKg', region: 'ON', items: { HEAVY: 1 }, grams: 2500, subtotal: 2000, shipping: 2200 },
    { name: 'weights add up across lines (1.25 kg → 2 kg)', region: 'ON', items: { TUL: 2, LIL: 1, PRE: 2 }, grams: 1250, subtotal: 6975, shipping: 1800 },
    {
      name: 'the rate listed for the region comes before the country-wide one',
      region: 'AB',
      items: { HEAVY: 1 },
      grams: 2500,
      subtotal: 2000,
      shipping: 1350,
    },
    // 9 × 10.00 = 90.00: not free, even though goods and shipping together pass 100.00
    { name: 'just under the free-shipping threshold still pays', region: 'AB', items: { BIG: 9 }, grams: 9000, subtotal: 9000, shipping: 2550 },
    // 21.95 + 20.00 + 4 × 14.50 = 99.95, 4,350 g → 5 kg: 9.50 + 4 × 2.00
    {
      name: 'five cents under the free-shipping threshold still pays',
      region: 'AB',
      items: { LIL: 1, HEAVY: 1, BACK: 4 },
      grams: 4350,
      subtotal: 9995,
      shipping: 1750,
    },
    { name: 'exactly at the free-shipping threshold ships free', region: 'AB', items: { BIG: 10 }, grams: 10000, subtotal: 10000, shipping: 0 },
    { name: 'over the free-shipping threshold ships free', region: 'AB', items: { HEAVY: 6 }, grams: 15000, subtotal: 12000, shipping: 0 },
    {
      name: 'the free-shipping threshold of one region does not apply elsewhere',
      region: 'ON',
      items: { BIG: 10 },
      grams: 10000,
      subtotal: 10000,
      shipping: 5000,
    },
  ])('$name', ({ region, items, grams, subtotal, shipping }) => {
    const q = quoted(priceOrder(rules(), catalog, cart(items, 'CA', region)));
    expect(q.weightGrams).toBe(grams);
    expect(q.subtotalCents).toBe(subtotal);
    expect(q.shipping).toEqual({ id: 'standard', label: 'Standard parcel', cents: shipping });
  });

  it('uses the first matching rate, so a country-wide rate listed first wins over a region rate', () => {
    const countryFirst = { ...STANDARD, rates: [STANDARD.rates[1], STANDARD.rates[0], STANDARD.rates[2]] };
    const q = quoted(priceOrder(rules({ shipping: [countryFirst] }), catalog, cart({ TUL: 1 }, 'CA', 'AB')));
    expect(q.shipping.cents).toBe(1400);
  });

  it('prices the chosen option, not the cheapest', () => {
    // Express, 2.5 kg: 28.00 + 2 × 6.00
    const q = quoted(priceOrder(rules(), catalog, cart({ HEAVY: 1 }, 'CA', 'AB', 'express')));
    expect(q.shipping).toEqual({ id: 'express', label: 'Express', cents: 4000 });
  });

  it('refuses an option with no rate for the destination, naming the options that are available', () => {
    const errors = refused(priceOrder(rules(), catalog, cart({ TUL: 1 }, 'US', 'WA', 'express')));
    expect(errors).toEqual({ shipping: 'Express is not available to Washington. Choose Standard parcel.' });
  });

  it('offers the alternatives with "or" when there are several', () => {
    const three = rules({
      shipping: [
        { id: 'express', label: 'Express', rates: [{ country: 'CA', base: 28 }] },
        { id: 'standard', label: 'Standard parcel', rates: [{ country: 'US', base: 24 }] },
        { id: 'economy', label: 'Economy', rates: [{ country: 'US', base: 18 }] },
      ],
    });
    const errors = refused(priceOrder(three, catalog, cart({ TUL: 1 }, 'US', 'WA', 'express')));
    expect(errors).toEqual({ shipping: 'Express is not available to Washington. Choose Standard parcel or Economy.' });
  });

  it('refuses an option id the shop does not have', () => {
    const errors = refused(priceOrder(rules(), catalog, cart({ TUL: 1 }, 'CA', 'ON', 'teleport')));
    expect(errors).toEqual({ shipping: 'Choose one of the shipping options.' });
  });
});

describe('destinations', () => {
  it.each<{ shipsTo: Array<{ country: string; except: string[] }>; text: string }>([
    { shipsTo: [{ country: 'CA', except: [] }], text: 'Canada' },
    { shipsTo: [{ country: 'US', except: ['AK'] }], text: 'the United States (except Alaska)' },
    {
      shipsTo: [
        { country: 'CA', except: [] },
        { country: 'US', except: ['AK', 'HI'] },
      ],
      text: 'Canada and the United States (except Alaska and Hawaii)',
    },
    { shipsTo: [{ country: 'CA', except: ['NU', 'NT', 'YT'] }], text: 'Canada (except Nunavut, Northwest Territories and Yukon)' },
  ])('states where it ships: $text', ({ shipsTo, text }) => {
    const shipping = [{ id: 'standard', label: 'Standard parcel', rates: shipsTo.map((s) => ({ country: s.country, base: 10 })) }];
    expect(shipsToText(rules({ shipsTo, shipping }))).toBe(text);
  });

  it.each<{ country: string; region: string; field: string; message: string | RegExp }>([
    { country: 'FR', region: 'IDF', field: 'country', message: 'We ship to Canada and the United States (except Alaska and Hawaii) only.' },
    {
      country: 'US',
      region: 'AK',
      field: 'region',
      message: 'Sorry, we do not ship to Alaska. We ship to Canada and the United States (except Alaska and Hawaii).',
    },
    { country: 'US', region: 'HI', field: 'region', message: /^Sorry, we do not ship to Hawaii\./ },
    { country: 'US', region: 'ZZ', field: 'region', message: /^Choose a state in the United States\.$/ },
    { country: 'CA', region: 'XX', field: 'region', message: 'Choose a province or territory in Canada.' },
  ])('refuses $country-$region on the $field field', ({ country, region, field, message }) => {
    const errors = refused(priceOrder(rules(), catalog, cart({ TUL: 1 }, country, region)));
    expect(Object.keys(errors)).toEqual([field]);
    expect(errors[field]).toMatch(message);
  });

  it('names only the countries the shop ships to', () => {
    const caOnly = rules({ shipsTo: [{ country: 'CA', except: [] }], shipping: [EXPRESS] });
    const errors = refused(priceOrder(caOnly, catalog, cart({ TUL: 1 }, 'US', 'WA', 'express')));
    expect(errors).toEqual({ country: 'We ship to Canada only.' });
  });
});

describe('products and quantities', () => {
  it.each<{ name: string; items: Record<string, number>; errors: Record<string, string | RegExp>; maxQuantity?: number }>([
    {
      name: 'a SKU not in the catalogue',
      items: { NOPE: 1 },
      errors: { qty_NOPE: 'This product is no longer in our catalogue. Remove it and send the form again.' },
    },
    { name: 'an out-of-stock product', items: { GONE: 1 }, errors: { qty_GONE: 'Crocus corms is sold out, so it cannot be ordered just now.' } },
    { name: 'a discontinued product', items: { OLD: 2 }, errors: { qty_OLD: /sold out/ } },
    { name: 'a product priced in another currency', items: { USD: 1 }, errors: { qty_USD: 'Imported peonies cannot be ordered online; ask us about it.' } },
    { name: 'more than maxQuantity', items: { TUL: 100 }, errors: { qty_TUL: 'Enter a whole number from 0 to 99. For more, write to us.' } },
    { name: 'more than a configured maxQuantity', items: { TUL: 6 }, maxQuantity: 5, errors: { qty_TUL: /^Enter a whole number from 0 to 5\./ } },
    { name: 'a negative quantity', items: { TUL: -1 }, errors: { qty_TUL: /whole number from 0 to 99/ } },
    { name: 'a fractional quantity', items: { TUL: 1.5 }, errors: { qty_TUL: /whole number from 0 to 99/ } },
    { name: 'a quantity that is not a number', items: { TUL: Number.NaN }, errors: { qty_TUL: /whole number from 0 to 99/ } },
    { name: 'an infinite quantity', items: { TUL: Number.POSITIVE_INFINITY }, errors: { qty_TUL: /whole number from 0 to 99/ } },
    { name: 'a cart of zeros', items: { TUL: 0, LIL: 0 }, errors: { items: 'Choose at least one product: enter how many you would like.' } },
    { name: 'an empty cart', items: {}, errors: { items: /at least one product/ } },
    { name: 'one bad line among good ones, on its own field only', items: { TUL: 1, GONE: 1, LIL: 2 }, errors: { qty_GONE: /sold out/ } },
    {
      name: 'each bad line on its own field',
      items: { NOPE: 1, OLD: 1, TUL: 1.5 },
      errors: { qty_NOPE: /no longer in our catalogue/, qty_OLD: /sold out/, qty_TUL: /whole number/ },
    },
  ])('refuses $name', ({ items, errors, maxQuantity }) => {
    const got = refused(priceOrder(rules(maxQuantity ? { maxQuantity } : {}), catalog, cart(items, 'CA', 'AB')));
    expect(Object.keys(got).sort()).toEqual(Object.keys(errors).sort());
    for (const [field, message] of Object.entries(errors)) expect(got[field], field).toMatch(message);
  });

  it.each<{
    name: string;
    items: Record<string, number>;
    maxQuantity?: number;
    lines: Array<[string, number, number, number, string]>;
    subtotal: number;
    shipping: number;
    tax: number;
    total: number;
  }>([
    // 14.50 + 8.95 = 23.45, 600 g; 5 % of 32.95 = 1.6475 → 1.65
    {
      name: 'backorder and pre-order products',
      items: { BACK: 1, PRE: 1 },
      lines: [
        ['BACK', 1, 1450, 1450, 'backorder'],
        ['PRE', 1, 895, 895, 'preorder'],
      ],
      subtotal: 2345,
      shipping: 950,
      tax: 165,
      total: 3460,
    },
    // 21.95, 250 g; 5 % of 31.45 = 1.5725 → 1.57
    {
      name: 'a line with zero next to a real one, skipping the zero',
      items: { TUL: 0, LIL: 1 },
      lines: [['LIL', 1, 2195, 2195, 'in_stock']],
      subtotal: 2195,
      shipping: 950,
      tax: 157,
      total: 3302,
    },
    {
      name: 'a zero of a product no longer sold, skipping it',
      items: { NOPE: 0, GONE: 0, LIL: 1 },
      lines: [['LIL', 1, 2195, 2195, 'in_stock']],
      subtotal: 2195,
      shipping: 950,
      tax: 157,
      total: 3302,
    },
    // 99 × 14.95 = 1,480.05, free shipping; 5 % = 74.0025 → 74.00
    {
      name: 'exactly maxQuantity',
      items: { TUL: 99 },
      lines: [['TUL', 99, 1495, 148005, 'in_stock']],
      subtotal: 148005,
      shipping: 0,
      tax: 7400,
      total: 155405,
    },
    // 5 × 14.95 = 74.75, 1.5 kg → 9.50 + 2.00; 5 % of 86.25 = 4.3125 → 4.31
    {
      name: 'exactly a configured maxQuantity',
      items: { TUL: 5 },
      maxQuantity: 5,
      lines: [['TUL', 5, 1495, 7475, 'in_stock']],
      subtotal: 7475,
      shipping: 1150,
      tax: 431,
      total: 9056,
    },
    // 29.90 + 21.95 = 51.85, 850 g; 5 % of 61.35 = 3.0675 → 3.07
    {
      name: 'several lines, in the order given',
      items: { TUL: 2, LIL: 1 },
      lines: [
        ['TUL', 2, 1495, 2990, 'in_stock'],
        ['LIL', 1, 2195, 2195, 'in_stock'],
      ],
      subtotal: 5185,
      shipping: 950,
      tax: 307,
      total: 6442,
    },
  ])('accepts $name', ({ items, maxQuantity, lines, subtotal, shipping, tax, total }) => {
    const q = quoted(priceOrder(rules(maxQuantity ? { maxQuantity } : {}), catalog, cart(items, 'CA', 'AB')));
    expect(q.lines.map((l) => [l.sku, l.quantity, l.unitCents, l.totalCents, l.availability])).toEqual(lines);
    expect(q.subtotalCents).toBe(subtotal);
    expect(q.shipping.cents).toBe(shipping);
    expect(q.taxCents).toBe(tax);
    expect(q.totalCents).toBe(total);
    expect(q.totalCents).toBe(q.subtotalCents + q.shipping.cents + q.taxCents);
    expect(q.currency).toBe('CAD');
  });

  it('takes names and units from the catalogue, not the cart', () => {
    const q = quoted(priceOrder(rules(), catalog, cart({ LIL: 3 }, 'CA', 'ON')));
    expect(q.lines).toEqual([
      { sku: 'LIL', name: 'Lily bulbs', unit: 'bag', quantity: 3, unitCents: 2195, totalCents: 6585, grams: 750, availability: 'in_stock' },
    ]);
  });
});

describe('formatMoney', () => {
  it.each([
    { cents: 1795, currency: 'CAD', text: '$17.95' },
    { cents: 1795, currency: 'USD', text: 'US$17.95' },
    { cents: 0, currency: 'CAD', text: '$0.00' },
    { cents: 155405, currency: 'CAD', text: '$1,554.05' },
  ])('writes $cents cents of $currency as $text in en-CA', ({ cents, currency, text }) => {
    expect(formatMoney(cents, currency, 'en-CA')).toBe(text);
  });
});
