const formatters = new Map<string, Intl.NumberFormat>();

/** Price in the site's locale, e.g. `$14.95` for en-CA/CAD and `US$14.95` for en-CA/USD. */
export function formatPrice(amount: number, currency: string, locale: string): string {
  const key = `${locale}|${currency}`;
  let format = formatters.get(key);
  if (!format) formatters.set(key, (format = new Intl.NumberFormat(locale, { style: 'currency', currency })));
  return format.format(amount);
}

const AVAILABILITY_LABELS: Record<string, string> = {
  in_stock: 'In stock',
  out_of_stock: 'Sold out',
  preorder: 'Pre-order: ships in season',
  backorder: 'Backorder: ships when restocked',
  discontinued: 'No longer available',
};

export function availabilityLabel(availability: string): string {
  return AVAILABILITY_LABELS[availability] ?? availability;
}
