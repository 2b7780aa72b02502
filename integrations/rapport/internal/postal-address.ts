import { formatAddress } from 'localized-address-format';

/** A postal address in the parts every country's format is made of. */
export interface PostalAddress {
  name?: string | undefined;
  organisation?: string | undefined;
  /** Street lines, first to last (street, then unit or rural route). */
  lines: Array<string | undefined>;
  locality: string;
  /** Province or state code as the post writes it ("AB", "WA"). */
  region: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

const countryNames = new Map<string, Intl.DisplayNames>();
/** A country's name in a locale's words (`US` → `United States`, `États-Unis`). */
export function countryNameIn(country: string, locale = 'en'): string {
  let names = countryNames.get(locale);
  if (!names) countryNames.set(locale, (names = new Intl.DisplayNames([locale, 'en'], { type: 'region' })));
  return names.of(country) ?? country;
}

/**
 * The address as the post of its country writes it, one line per entry ("Red Deer AB T4N 1X1"
 * in Canada, "Spokane, WA 99201" in the United States), from Google's address data (the
 * `localized-address-format` package, the data Android and Chrome use). The country's name ends
 * it, in capitals as the post asks, when the parcel or letter crosses a border (`from` is the
 * country it is sent from), in `locale`'s words (English unless told); without `from` it is left out.
 */
export function postalAddressLines(address: PostalAddress, from?: string, locale?: string): string[] {
  const lines = formatAddress({
    postalCountry: address.country,
    administrativeArea: address.region,
    locality: address.locality,
    postalCode: address.postalCode,
    addressLines: address.lines.filter((l): l is string => Boolean(l)),
    organization: address.organisation ?? '',
    name: address.name ?? '',
  }).filter((l) => l.trim() !== '');
  if (from && from !== address.country) lines.push(countryNameIn(address.country, locale).toLocaleUpperCase(locale ?? 'en'));
  return lines;
}
