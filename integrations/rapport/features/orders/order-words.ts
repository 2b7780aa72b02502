import type { PaymentMethod } from '../../config/orders.ts';
import { COUNTRIES, regionName } from '../../config/regions.ts';
import { isMessageKey, type MessageKey } from '../../i18n/catalogues.ts';
import type { Translator } from '../../i18n/translate.ts';
import type { OrderStatus } from '../../core/store/schema.ts';
import { CARRIERS } from './carriers.ts';
import type { PricingMessage, PricingWords } from './pricing.ts';

// What the customer's side of orders says, in one language: the cart, order and order pages and
// the customer's mails. Staff's side (the console, the CLI, the staff copy) keeps its own words.

const said = (say: Translator, key: string, fallback: string, vars?: Record<string, string | number>) => (isMessageKey(key) ? say(key, vars) : fallback);

/** A payment method as the customer reads it (`Virement Interac`). */
export const paymentLabel = (say: Translator, method: string) => said(say, `orders.payment.${method}`, method);

/** An order's status as the customer reads it. */
export const statusLabel = (say: Translator, status: OrderStatus) => say(`orders.status.${status}`);

/** A tax's name (`GST` → `TPS`); a tax the site's options name itself keeps its name. */
export const taxName = (say: Translator, name: string) => said(say, `orders.tax.${name}`, name);

/** A tax's rate as the locale writes it (`9.975`, `9,975`), never grouped. */
export const taxRate = (rate: number, locale: string) => new Intl.NumberFormat(locale, { maximumFractionDigits: 3, useGrouping: false }).format(rate);

/** A country's name (`États-Unis`). */
export const countryName = (say: Translator, country: string) =>
  said(say, `orders.country.${country}`, COUNTRIES[country as keyof typeof COUNTRIES]?.name ?? country);

/** A carrier as the customer reads it (`Postes Canada`); a brand with one name in every language keeps it. */
export function carrierLabel(say: Translator, id: string | null): string | undefined {
  const carrier = CARRIERS.find((c) => c.id === id);
  return carrier && said(say, `orders.carrier.${carrier.id}`, carrier.name);
}

/** A province's or state's name (`Colombie-Britannique`). */
export const regionLabel = (say: Translator, country: string, region: string) => said(say, `orders.region.${country}-${region}`, regionName(country, region));

const PRICING: Record<PricingMessage, { key: MessageKey; places: string[] }> = {
  gone: { key: 'orders.price.gone', places: [] },
  'sold-out': { key: 'orders.price.sold-out', places: ['name'] },
  'not-online': { key: 'orders.price.not-online', places: ['name'] },
  quantity: { key: 'orders.price.quantity', places: ['max'] },
  empty: { key: 'orders.price.empty', places: [] },
  'ships-to-only': { key: 'orders.price.ships-to-only', places: ['places'] },
  except: { key: 'orders.price.except', places: ['country', 'regions'] },
  'no-region': { key: 'orders.price.no-region', places: ['region', 'places'] },
  'choose-shipping': { key: 'orders.price.choose-shipping', places: [] },
  'shipping-unavailable': { key: 'orders.price.shipping-unavailable', places: ['option', 'region'] },
  'shipping-others': { key: 'orders.price.shipping-others', places: ['options'] },
};

/**
 * Pricing's words in `say`'s language, as the plain table `pricing.ts` and the order page's script
 * read: each message with its `{places}` left in (said with each place as its own name).
 */
export function pricingWords(say: Translator): PricingWords {
  const messages = Object.fromEntries(
    Object.entries(PRICING).map(([name, { key, places }]) => [name, say(key, Object.fromEntries(places.map((p) => [p, `{${p}}`])))]),
  ) as Record<PricingMessage, string>;
  const countries = Object.fromEntries(
    Object.keys(COUNTRIES).map((code) => [
      code,
      { in: said(say, `orders.country.${code}.in`, code), chooseRegion: said(say, `orders.country.${code}.choose-region`, code) },
    ]),
  );
  const regions: Record<string, string> = {};
  for (const [country, { regions: names }] of Object.entries(COUNTRIES))
    for (const region of Object.keys(names)) {
      const name = regionLabel(say, country, region);
      if (name !== names[region]) regions[`${country}-${region}`] = name;
    }
  return { messages, countries, regions, and: say('orders.and'), or: say('orders.or') };
}

/** The order form's payment options in `say`'s language. */
export const paymentOptions = (say: Translator, methods: readonly PaymentMethod[]) => methods.map((p) => ({ value: p, label: paymentLabel(say, p) }));

/**
 * A message with parts a page draws itself (a link): said with each part's place marked, then cut
 * into text and the names of those parts, in order (`{signIn}` → `{ part: 'signIn' }`).
 */
export function withParts(say: Translator, key: MessageKey, vars: Record<string, string | number>, parts: readonly string[]): Array<string | { part: string }> {
  const marked = say(key, { ...vars, ...Object.fromEntries(parts.map((p) => [p, `\u0001${p}\u0001`])) });
  return marked.split('\u0001').map((piece, i) => (i % 2 === 1 ? { part: piece } : piece));
}
