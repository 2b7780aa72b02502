/**
 * Order prices, computed in whole cents from the catalogue and the shop's rules. Pure and
 * dependency-free: the server prices every order with it, and the order page's script runs the
 * same code to update totals as the visitor types (the server's figures are the ones charged).
 */
import type { OrdersOptions } from '../../config/orders.ts';
import { CANADA_GST_HST, CANADA_PST, COUNTRIES, countryInSentence, regionName } from '../../config/regions.ts';

export const ORDERABLE = ['in_stock', 'backorder', 'preorder'] as const;

/** A product as the order form and the server see it (written by the build: catalog.json). */
export interface CatalogProduct {
  sku: string;
  name: string;
  unit: string;
  priceCents: number;
  currency: string;
  grams: number;
  availability: string;
  category: string;
  path: string;
  featured: boolean;
  /** A small picture for the cart and the order form (the build's 112 px WebP of the first image). */
  image?: { src: string; width: number; height: number; alt: string } | undefined;
}

export interface ShippingRule {
  id: string;
  label: string;
  description?: string | undefined;
  rates: Array<{ country: string; regions?: string[] | undefined; baseCents: number; perKgCents: number; freeOverCents?: number | undefined }>;
}

export interface TaxRule {
  country: string;
  regions?: string[] | undefined;
  name: string;
  /** Percent. */
  rate: number;
  shipping: boolean;
}

/** The shop's rules in cents, as plain data (the order page embeds them for its script). */
export interface OrderRules {
  currency: string;
  locale: string;
  shipsTo: Array<{ country: string; except: string[] }>;
  shipping: ShippingRule[];
  taxes: TaxRule[];
  maxQuantity: number;
}

const cents = (amount: number) => Math.round(amount * 100);

/** Resolves the options into rules: dollars to cents, the built-in Canadian tax table expanded. */
export function orderRules(orders: OrdersOptions, locale: string): OrderRules {
  const taxes: TaxRule[] = [];
  if (orders.taxes.canada.gstHst && orders.shipsTo.some((s) => s.country === 'CA')) {
    for (const [region, tax] of Object.entries(CANADA_GST_HST))
      taxes.push({ country: 'CA', regions: [region], name: tax.name, rate: tax.rate, shipping: true });
  }
  for (const region of orders.taxes.canada.pst) taxes.push({ country: 'CA', regions: [region], ...CANADA_PST[region], shipping: true });
  taxes.push(...orders.taxes.rules);
  return {
    currency: orders.currency,
    locale,
    shipsTo: orders.shipsTo,
    shipping: orders.shipping.map((o) => ({
      id: o.id,
      label: o.label,
      description: o.description,
      rates: o.rates.map((r) => ({
        country: r.country,
        regions: r.regions,
        baseCents: cents(r.base),
        perKgCents: cents(r.perKg),
        freeOverCents: r.freeOver === undefined ? undefined : cents(r.freeOver),
      })),
    })),
    taxes,
    maxQuantity: orders.maxQuantity,
  };
}

const formats = new Map<string, Intl.NumberFormat>();

/** `$17.95` for en-CA/CAD, `US$17.95` for en-CA/USD (formatters are costly to make: kept). */
export function formatMoney(amountCents: number, currency: string, locale: string): string {
  const key = `${locale}|${currency}`;
  let format = formats.get(key);
  if (!format) formats.set(key, (format = new Intl.NumberFormat(locale, { style: 'currency', currency })));
  return format.format(amountCents / 100);
}

const list = (items: string[], joiner = 'and') => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${joiner} ${items.at(-1)}`);

/** "Canada and the United States (except Alaska and Hawaii)": stated on the order page. */
export function shipsToText(rules: OrderRules): string {
  return list(
    rules.shipsTo.map((s) => {
      const country = COUNTRIES[s.country as keyof typeof COUNTRIES];
      const name = countryInSentence(country.name);
      return s.except.length ? `${name} (except ${list(s.except.map((r) => regionName(s.country, r)))})` : name;
    }),
  );
}

/** Why an address cannot be shipped to, in words for the visitor; `undefined` when it can. */
export function destinationProblem(
  rules: OrderRules,
  country: string,
  region: string | undefined,
): { field: 'country' | 'region'; message: string } | undefined {
  const served = rules.shipsTo.find((s) => s.country === country);
  if (!served) return { field: 'country', message: `We ship to ${shipsToText(rules)} only.` };
  if (region === undefined) return undefined;
  if (!(region in COUNTRIES[country as keyof typeof COUNTRIES].regions))
    return {
      field: 'region',
      message: `Choose a ${COUNTRIES[country as keyof typeof COUNTRIES].regionLabel.toLowerCase()} in ${countryInSentence(COUNTRIES[country as keyof typeof COUNTRIES].name)}.`,
    };
  if (served.except.includes(region))
    return { field: 'region', message: `Sorry, we do not ship to ${regionName(country, region)}. We ship to ${shipsToText(rules)}.` };
  return undefined;
}

/** The price of a shipping option to a destination for a parcel's weight and goods total. */
export function shippingPrice(option: ShippingRule, country: string, region: string, grams: number, subtotalCents: number): number | undefined {
  const rate = option.rates.find((r) => r.country === country && (!r.regions || r.regions.includes(region)));
  if (!rate) return undefined;
  if (rate.freeOverCents !== undefined && subtotalCents >= rate.freeOverCents) return 0;
  const kg = Math.max(1, Math.ceil(grams / 1000));
  return rate.baseCents + rate.perKgCents * (kg - 1);
}

/** `percent` of `amountCents`, rounded half up to the cent, in exact integer arithmetic. */
export function percentOf(amountCents: number, percent: number): number {
  const milli = Math.round(percent * 1000); // 9.975 % → 9975 thousandths of a percent
  return Math.floor((2 * amountCents * milli + 100_000) / 200_000);
}

export interface QuoteLine {
  sku: string;
  name: string;
  unit: string;
  quantity: number;
  unitCents: number;
  totalCents: number;
  grams: number;
  availability: string;
}

export interface Quote {
  currency: string;
  lines: QuoteLine[];
  subtotalCents: number;
  weightGrams: number;
  shipping: { id: string; label: string; cents: number };
  taxes: Array<{ name: string; rate: number; cents: number }>;
  taxCents: number;
  totalCents: number;
}

export interface Cart {
  items: Array<{ sku: string; quantity: number }>;
  country: string;
  region: string;
  shipping: string;
}

export type Priced = { ok: true; quote: Quote } | { ok: false; errors: Record<string, string> };

/** The field a product's quantity is posted in. */
export const quantityField = (sku: string) => `qty_${sku}`;

/**
 * Prices a cart. Every figure comes from the catalogue and the rules, never from the visitor;
 * problems come back per form field.
 */
export function priceOrder(rules: OrderRules, products: ReadonlyMap<string, CatalogProduct>, cart: Cart): Priced {
  const errors: Record<string, string> = {};
  const lines: QuoteLine[] = [];
  for (const item of cart.items) {
    if (item.quantity === 0) continue;
    const product = products.get(item.sku);
    const field = quantityField(item.sku);
    if (!product) errors[field] = 'This product is no longer in our catalogue. Remove it and send the form again.';
    else if (!(ORDERABLE as readonly string[]).includes(product.availability)) errors[field] = `${product.name} is sold out, so it cannot be ordered just now.`;
    else if (product.currency !== rules.currency) errors[field] = `${product.name} cannot be ordered online; ask us about it.`;
    else if (!Number.isSafeInteger(item.quantity) || item.quantity < 0 || item.quantity > rules.maxQuantity)
      errors[field] = `Enter a whole number from 0 to ${rules.maxQuantity}. For more, write to us.`;
    else
      lines.push({
        sku: product.sku,
        name: product.name,
        unit: product.unit,
        quantity: item.quantity,
        unitCents: product.priceCents,
        totalCents: product.priceCents * item.quantity,
        grams: product.grams * item.quantity,
        availability: product.availability,
      });
  }
  if (lines.length === 0 && Object.keys(errors).length === 0) errors.items = 'Choose at least one product: enter how many you would like.';
  const destination = destinationProblem(rules, cart.country, cart.region);
  if (destination) errors[destination.field] = destination.message;
  const option = rules.shipping.find((o) => o.id === cart.shipping);
  if (!option) errors.shipping = 'Choose one of the shipping options.';
  if (Object.keys(errors).length > 0 || !option) return { ok: false, errors };

  const subtotalCents = lines.reduce((s, l) => s + l.totalCents, 0);
  const weightGrams = lines.reduce((s, l) => s + l.grams, 0);
  const shippingCents = shippingPrice(option, cart.country, cart.region, weightGrams, subtotalCents);
  if (shippingCents === undefined) {
    const others = rules.shipping.filter((o) => shippingPrice(o, cart.country, cart.region, weightGrams, subtotalCents) !== undefined).map((o) => o.label);
    return {
      ok: false,
      errors: {
        shipping: `${option.label} is not available to ${regionName(cart.country, cart.region)}.${others.length ? ` Choose ${list(others, 'or')}.` : ''}`,
      },
    };
  }
  const taxes = rules.taxes
    .filter((t) => t.country === cart.country && (!t.regions || t.regions.includes(cart.region)))
    .map((t) => ({ name: t.name, rate: t.rate, cents: percentOf(subtotalCents + (t.shipping ? shippingCents : 0), t.rate) }));
  const taxCents = taxes.reduce((s, t) => s + t.cents, 0);
  return {
    ok: true,
    quote: {
      currency: rules.currency,
      lines,
      subtotalCents,
      weightGrams,
      shipping: { id: option.id, label: option.label, cents: shippingCents },
      taxes,
      taxCents,
      totalCents: subtotalCents + shippingCents + taxCents,
    },
  };
}
