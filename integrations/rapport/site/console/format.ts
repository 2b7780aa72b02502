import config from 'virtual:rapport/config';
import { businessTimeZone, formatDate, formatDateTime } from '../../config/time-zone.ts';

/** How the console writes dates and money: the site's locale, times in the business's time zone (named). */

/** The zone the console shows times in and reads scheduled times in (`business.timeZone`, else the address's). */
export const consoleTimeZone = businessTimeZone(config.business);

export const dateTime = (iso: string | null | undefined, locale: string): string => (iso ? formatDateTime(iso, locale, consoleTimeZone) : '—');

export const dateOnly = (iso: string | null | undefined, locale: string): string => (iso ? formatDate(iso, locale, consoleTimeZone) : '—');

export const money = (cents: number, currency: string, locale: string): string =>
  new Intl.NumberFormat(locale, { style: 'currency', currency }).format(cents / 100);
