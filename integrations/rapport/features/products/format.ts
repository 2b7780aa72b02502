import { DEFAULT_TRANSLATOR, type Translator } from '../../i18n/translate.ts';
import type { MessageKey } from '../../i18n/catalogues.ts';

const formatters = new Map<string, Intl.NumberFormat>();

/** Price in a locale, e.g. `$14.95` for en-CA/CAD, `US$14.95` for en-CA/USD and `14,95 $` for fr-CA/CAD. */
export function formatPrice(amount: number, currency: string, locale: string): string {
  const key = `${locale}|${currency}`;
  let format = formatters.get(key);
  if (!format) formatters.set(key, (format = new Intl.NumberFormat(locale, { style: 'currency', currency })));
  return format.format(amount);
}

const AVAILABILITY_LABELS: Record<string, MessageKey> = {
  in_stock: 'products.availability.in-stock',
  out_of_stock: 'products.availability.out-of-stock',
  preorder: 'products.availability.preorder',
  backorder: 'products.availability.backorder',
  discontinued: 'products.availability.discontinued',
};

/** How a product's availability is said to a visitor (in the default texts when no translator is given: the CMS, the order page). */
export function availabilityLabel(availability: string, say: Translator = DEFAULT_TRANSLATOR): string {
  const key = AVAILABILITY_LABELS[availability];
  return key ? say(key) : availability;
}
