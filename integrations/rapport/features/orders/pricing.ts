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
  /** Its words and page in each other locale it is translated into (same SKU, same price). */
  translations?: Record<string, ProductWords> | undefined;
}

/** What a product is called, and where its page is, in one language. */
export interface ProductWords {
  name: string;
  unit: string;
  path: string;
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
  /** What pricing says in the page's language (the default texts when absent). */
  words?: PricingWords | undefined;
}

/** The messages pricing gives, by name; `{placeholders}` are filled in by name. */
export type PricingMessage =
  | 'gone'
  | 'sold-out'
  | 'not-online'
  | 'quantity'
  | 'empty'
  | 'ships-to-only'
  | 'except'
  | 'no-region'
  | 'choose-shipping'
  | 'shipping-unavailable'
  | 'shipping-others';

/**
 * Pricing's words in one language, as plain data: the server makes them from the catalogues, and
 * the order page hands the same table to its script, so both say a problem the same way.
 */
export interface PricingWords {
  messages: Record<PricingMessage, string>;
  /** Per country: its name after "to" ("the United States", « aux États-Unis ») and "choose a region of it". */
  countries: Record<string, { in: string; chooseRegion: string }>;
  /** Region names that differ from the default ones, by `CA-QC`. */
  regions: Record<string, string>;
  and: string;
  or: string;
}

/** The default texts, as Rapport wrote them before catalogues (`orders.price.*` in en-CA says the same). */
const DEFAULT_WORDS: PricingWords = {
  messages: {
    gone: 'This product is no longer in our catalogue. Remove it and send the form again.',
    'sold-out': '{name} is sold out, so it cannot be ordered just now.',
    'not-online': '{name} cannot be ordered online; ask us about it.',
    quantity: 'Enter a whole number from 0 to {max}. For more, write to us.',
    empty: 'Choose at least one product: enter how many you would like.',
    'ships-to-only': 'We ship to {places} only.',
    except: '{country} (except {regions})',
    'no-region': 'Sorry, we do not ship to {region}. We ship to {places}.',
    'choose-shipping': 'Choose one of the shipping options.',
    'shipping-unavailable': '{option} is not available to {region}.',
    'shipping-others': 'Choose {options}.',
  },
  countries: Object.fromEntries(
    Object.entries(COUNTRIES).map(([code, c]) => [
      code,
      { in: countryInSentence(c.name), chooseRegion: `Choose a ${c.regionLabel.toLowerCase()} in ${countryInSentence(c.name)}.` },
    ]),
  ),
  regions: {},
  and: 'and',
  or: 'or',
};

/** One of pricing's messages in the rules' language. */
function said(rules: Pick<OrderRules, 'words'>, message: PricingMessage, vars: Record<string, string | number> = {}): string {
  const text = (rules.words ?? DEFAULT_WORDS).messages[message];
  return text.replace(/\{([a-z]+)\}/g, (all, name: string) => (name in vars ? String(vars[name]) : all));
}

const wordsOf = (rules: Pick<OrderRules, 'words'>) => rules.words ?? DEFAULT_WORDS;
const regionIn = (rules: Pick<OrderRules, 'words'>, country: string, region: string) =>
  wordsOf(rules).regions[`${country}-${region}`] ?? regionName(country, region);

const cents = (amount: number) => Math.round(amount * 100);

/**
 * A shipping option as a visitor or a customer's mail reading `locale` meets it: its words in that
 * locale where the options give them (`translations`). Here rather than with the options, so the
 * order page's script, which runs this file, does not load them.
 */
export function shippingIn<
  O extends { label: string; description?: string | undefined; translations?: Record<string, { label: string; description?: string | undefined }> | undefined },
>(option: O, locale: string): O {
  const own = option.translations?.[locale];
  return own ? { ...option, label: own.label, description: own.description } : option;
}

/** Resolves the options into rules: dollars to cents, the built-in Canadian tax table expanded. */
export function orderRules(orders: OrdersOptions, locale: string, words?: PricingWords): OrderRules {
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
    // The options' words in the rules' language: the order page, its script and the customer's mail say them so.
    shipping: orders.shipping
      .map((option) => shippingIn(option, locale))
      .map((o) => ({
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
    ...(words ? { words } : {}),
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

const list = (items: string[], joiner: string) => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${joiner} ${items.at(-1)}`);

/** "Canada and the United States (except Alaska and Hawaii)": stated on the order page. */
export function shipsToText(rules: OrderRules): string {
  const words = wordsOf(rules);
  return list(
    rules.shipsTo.map((s) => {
      const name = words.countries[s.country]?.in ?? s.country;
      return s.except.length
        ? said(rules, 'except', {
            country: name,
            regions: list(
              s.except.map((r) => regionIn(rules, s.country, r)),
              words.and,
            ),
          })
        : name;
    }),
    words.and,
  );
}

/** Why an address cannot be shipped to, in words for the visitor; `undefined` when it can. */
export function destinationProblem(
  rules: OrderRules,
  country: string,
  region: string | undefined,
): { field: 'country' | 'region'; message: string } | undefined {
  const served = rules.shipsTo.find((s) => s.country === country);
  if (!served) return { field: 'country', message: said(rules, 'ships-to-only', { places: shipsToText(rules) }) };
  if (region === undefined) return undefined;
  if (!(region in COUNTRIES[country as keyof typeof COUNTRIES].regions)) return { field: 'region', message: wordsOf(rules).countries[country]!.chooseRegion };
  if (served.except.includes(region))
    return { field: 'region', message: said(rules, 'no-region', { region: regionIn(rules, country, region), places: shipsToText(rules) }) };
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
    if (!product) errors[field] = said(rules, 'gone');
    else if (!(ORDERABLE as readonly string[]).includes(product.availability)) errors[field] = said(rules, 'sold-out', { name: product.name });
    else if (product.currency !== rules.currency) errors[field] = said(rules, 'not-online', { name: product.name });
    else if (!Number.isSafeInteger(item.quantity) || item.quantity < 0 || item.quantity > rules.maxQuantity)
      errors[field] = said(rules, 'quantity', { max: rules.maxQuantity });
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
  if (lines.length === 0 && Object.keys(errors).length === 0) errors.items = said(rules, 'empty');
  const destination = destinationProblem(rules, cart.country, cart.region);
  if (destination) errors[destination.field] = destination.message;
  const option = rules.shipping.find((o) => o.id === cart.shipping);
  if (!option) errors.shipping = said(rules, 'choose-shipping');
  if (Object.keys(errors).length > 0 || !option) return { ok: false, errors };

  const subtotalCents = lines.reduce((s, l) => s + l.totalCents, 0);
  const weightGrams = lines.reduce((s, l) => s + l.grams, 0);
  const shippingCents = shippingPrice(option, cart.country, cart.region, weightGrams, subtotalCents);
  if (shippingCents === undefined) {
    const others = rules.shipping.filter((o) => shippingPrice(o, cart.country, cart.region, weightGrams, subtotalCents) !== undefined).map((o) => o.label);
    return {
      ok: false,
      errors: {
        shipping: [
          said(rules, 'shipping-unavailable', { option: option.label, region: regionIn(rules, cart.country, cart.region) }),
          ...(others.length ? [said(rules, 'shipping-others', { options: list(others, wordsOf(rules).or) })] : []),
        ].join(' '),
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
