import { describe, expect, it } from 'vitest';
import { OrdersSchema } from '../../integrations/rapport/config/orders.ts';
import { formatMoney, orderRules, percentOf, priceOrder, shipsToText, type CatalogProduct, type Cart } from '../../integrations/rapport/features/orders/pricing.ts';

const product = (sku: string, priceCents: number, grams: number, availability = 'in_stock', currency = 'CAD'): CatalogProduct => ({
  sku,
  name: `Product ${sku}`,
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
    product('TUL', 1495, 300),
    product('LIL', 2195, 250),
    product('BIG', 1000, 1000),
    product('BACK', 1450, 400, 'backorder'),
    product('PRE', 895, 200, 'preorder'),
    product('GONE', 1595, 300, 'out_of_stock'),
    product('OLD', 995, 200, 'discontinued'),
    product('USD', 1200, 200, 'in_stock', 'USD'),
  ].map((p) => [p.sku, p]),
);

const rules = (options: Record<string, unknown> = {}) =>
  orderRules(
    OrdersSchema.parse({
      shipsTo: [{ country: 'CA', except: [] }, { country: 'US', except: ['AK', 'HI'] }],
      shipping: [
        { id: 'standard', label: 'Standard parcel', rates: [{ country: 'CA', regions: ['AB'], base: 9.5, perKg: 2, freeOver: 100 }, { country: 'CA', base: 14, perKg: 4 }, { country: 'US', base: 24, perKg: 8 }] },
        { id: 'express', label: 'Express', rates: [{ country: 'CA', base: 28, perKg: 6 }] },
      ],
      ...options,
    }),
    'en-CA',
  );
const cart = (items: Record<string, number>, country: string, region: string, shipping = 'standard'): Cart => ({ items: Object.entries(items).map(([sku, quantity]) => ({ sku, quantity })), country, region, shipping });

describe('order pricing', () => {
  // Goods 2 × 14.95 = 29.90 (600 g, one kilogram) unless said otherwise; figures worked out by hand.
  it.each<{ to: string; pst?: string[]; items: Record<string, number>; shipping: number; taxes: Array<[string, number]> }>([
    // AB: 9.50 shipping; GST 5 % of 39.40 = 1.97
    { to: 'AB', items: { TUL: 2 }, shipping: 950, taxes: [['GST', 197]] },
    // ON: 14.00; HST 13 % of 43.90 = 5.707 → 5.71
    { to: 'ON', items: { TUL: 2 }, shipping: 1400, taxes: [['HST', 571]] },
    // NS: HST 14 % of 43.90 = 6.146 → 6.15
    { to: 'NS', items: { TUL: 2 }, shipping: 1400, taxes: [['HST', 615]] },
    // NB, NL, PE: HST 15 % of 43.90 = 6.585 → 6.59 (half up)
    { to: 'NB', items: { TUL: 2 }, shipping: 1400, taxes: [['HST', 659]] },
    { to: 'NL', items: { TUL: 2 }, shipping: 1400, taxes: [['HST', 659]] },
    { to: 'PE', items: { TUL: 2 }, shipping: 1400, taxes: [['HST', 659]] },
    // QC without QST registration: GST 5 % of 43.90 = 2.195 → 2.20
    { to: 'QC', items: { TUL: 2 }, shipping: 1400, taxes: [['GST', 220]] },
    // QC with QST: + 9.975 % of 43.90 = 4.379 → 4.38
    { to: 'QC', pst: ['QC'], items: { TUL: 2 }, shipping: 1400, taxes: [['GST', 220], ['QST', 438]] },
    // BC with PST: GST 2.20 + PST 7 % of 43.90 = 3.073 → 3.07
    { to: 'BC', pst: ['BC'], items: { TUL: 2 }, shipping: 1400, taxes: [['GST', 220], ['PST', 307]] },
    // BC without PST registration: GST only
    { to: 'BC', items: { TUL: 2 }, shipping: 1400, taxes: [['GST', 220]] },
    // SK PST 6 % of 43.90 = 2.634 → 2.63
    { to: 'SK', pst: ['SK'], items: { TUL: 2 }, shipping: 1400, taxes: [['GST', 220], ['PST', 263]] },
    // MB RST 7 %: 3.07
    { to: 'MB', pst: ['MB'], items: { TUL: 2 }, shipping: 1400, taxes: [['GST', 220], ['RST', 307]] },
    // Backorder and pre-order products can be ordered: 14.50 + 8.95 = 23.45, 600 g; GST 5 % of 32.95 = 1.6475 → 1.65
    { to: 'AB', items: { BACK: 1, PRE: 1 }, shipping: 950, taxes: [['GST', 165]] },
  ])('taxes to $to (PST registered: $pst)', ({ to, pst = [], items, shipping, taxes }) => {
    const priced = priceOrder(rules({ taxes: { canada: { pst } } }), catalog, cart(items, 'CA', to));
    expect(priced.ok).toBe(true);
    if (!priced.ok) return;
    const q = priced.quote;
    expect(q.shipping.cents).toBe(shipping);
    expect(q.taxes.map((t) => [t.name, t.cents])).toEqual(taxes);
    expect(q.taxCents).toBe(taxes.reduce((s, [, c]) => s + c, 0));
    expect(q.totalCents).toBe(q.subtotalCents + q.shipping.cents + q.taxCents);
    for (const line of q.lines) expect(line.totalCents).toBe(line.unitCents * line.quantity);
  });

  it('applies a US rule only where it is set, and on goods only when shipping is not taxed', () => {
    const withWa = rules({ taxes: { rules: [{ country: 'US', regions: ['WA'], name: 'WA sales tax', rate: 6.5, shipping: false }] } });
    const wa = priceOrder(withWa, catalog, cart({ LIL: 1 }, 'US', 'WA'));
    // 21.95 goods; 6.5 % of 21.95 = 1.42675 → 1.43; shipping 24.00 untaxed
    expect(wa.ok && wa.quote.taxes).toEqual([{ name: 'WA sales tax', rate: 6.5, cents: 143 }]);
    expect(wa.ok && wa.quote.totalCents).toBe(2195 + 2400 + 143);
    const or = priceOrder(withWa, catalog, cart({ LIL: 1 }, 'US', 'OR'));
    expect(or.ok && or.quote.taxes).toEqual([]);
  });

  it('rounds percentages half up, exactly', () => {
    expect(percentOf(10, 5)).toBe(1); // 0.5
    expect(percentOf(30, 5)).toBe(2); // 1.5
    expect(percentOf(29, 5)).toBe(1); // 1.45
    expect(percentOf(1005, 10)).toBe(101); // 100.5
    expect(percentOf(1795, 9.975)).toBe(179); // 179.05
    expect(percentOf(0, 13)).toBe(0);
  });

  it.each([
    { grams: 1000, qty: 1, shipping: 1400 }, // one kilogram: base
    { grams: 1000, qty: 2, shipping: 1800 }, // 2 kg: base + 1 × 4.00
    { grams: 300, qty: 4, shipping: 1800 }, // 1,200 g: a started second kilogram
    { grams: 300, qty: 9, shipping: 2200 }, // 2,700 g → 3 kg
  ])('charges $shipping cents for $qty × $grams g to Ontario', ({ grams, qty, shipping }) => {
    const sku = grams === 1000 ? 'BIG' : 'TUL';
    const priced = priceOrder(rules(), catalog, cart({ [sku]: qty }, 'CA', 'ON'));
    expect(priced.ok && priced.quote.shipping.cents).toBe(shipping);
  });

  it('ships free from the threshold on, and picks the region rate before the country rate', () => {
    // Alberta: free over 100.00; 10 × 10.00 = exactly 100.00 is free, 9 × 10.00 is not
    const ten = priceOrder(rules(), catalog, cart({ BIG: 10 }, 'CA', 'AB'));
    expect(ten.ok && ten.quote.shipping.cents).toBe(0);
    const nine = priceOrder(rules(), catalog, cart({ BIG: 9 }, 'CA', 'AB'));
    expect(nine.ok && nine.quote.shipping.cents).toBe(950 + 8 * 200);
  });

  it('refuses a shipping option not offered to the destination, naming what is', () => {
    const priced = priceOrder(rules(), catalog, cart({ TUL: 1 }, 'US', 'WA', 'express'));
    expect(priced.ok).toBe(false);
    expect(!priced.ok && priced.errors.shipping).toBe('Express is not available to Washington. Choose Standard parcel.');
  });

  it('states where it ships, and refuses other destinations on the right field', () => {
    expect(shipsToText(rules())).toBe('Canada and the United States (except Alaska and Hawaii)');
    const france = priceOrder(rules(), catalog, cart({ TUL: 1 }, 'FR', 'XX'));
    expect(!france.ok && france.errors.country).toBe('We ship to Canada and the United States (except Alaska and Hawaii) only.');
    const alaska = priceOrder(rules(), catalog, cart({ TUL: 1 }, 'US', 'AK'));
    expect(!alaska.ok && alaska.errors.region).toMatch(/^Sorry, we do not ship to Alaska\./);
  });

  it.each([
    { items: { NOPE: 1 }, field: 'qty_NOPE', message: /no longer in our catalogue/ },
    { items: { GONE: 1 }, field: 'qty_GONE', message: /sold out/ },
    { items: { OLD: 1 }, field: 'qty_OLD', message: /sold out/ },
    { items: { USD: 1 }, field: 'qty_USD', message: /cannot be ordered online/ },
    { items: { TUL: 100 }, field: 'qty_TUL', message: /whole number from 0 to 99/ },
    { items: { TUL: -1 }, field: 'qty_TUL', message: /whole number from 0 to 99/ },
    { items: { TUL: 1.5 }, field: 'qty_TUL', message: /whole number from 0 to 99/ },
    { items: { TUL: 0 }, field: 'items', message: /at least one product/ },
    { items: {}, field: 'items', message: /at least one product/ },
  ])('refuses $items on $field', ({ items, field, message }) => {
    const priced = priceOrder(rules(), catalog, cart(items, 'CA', 'AB'));
    expect(priced.ok).toBe(false);
    expect(!priced.ok && priced.errors[field]).toMatch(message);
  });

  it('skips zero quantities next to real ones', () => {
    const priced = priceOrder(rules(), catalog, cart({ TUL: 0, LIL: 1 }, 'CA', 'AB'));
    expect(priced.ok && priced.quote.lines.map((l) => l.sku)).toEqual(['LIL']);
  });

  it('formats money for the locale', () => {
    expect(formatMoney(1795, 'CAD', 'en-CA')).toBe('$17.95');
    expect(formatMoney(1795, 'USD', 'en-CA')).toBe('US$17.95');
  });
});
