/** How the console writes dates and money: the site's locale, times in UTC (said so). */

export const dateTime = (iso: string | null | undefined, locale: string): string =>
  iso ? `${new Date(iso).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC` : '—';

export const dateOnly = (iso: string | null | undefined, locale: string): string =>
  iso ? new Date(iso).toLocaleDateString(locale, { dateStyle: 'medium', timeZone: 'UTC' }) : '—';

export const money = (cents: number, currency: string, locale: string): string =>
  new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100);
