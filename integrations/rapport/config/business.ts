import { z } from 'astro/zod';
import { isTimeZone } from './time-zone.ts';

const DAYS = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'] as const;
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use 24-hour "HH:MM"');

/** A postal address, as schema.org's PostalAddress. */
export const AddressSchema = z.strictObject({
  /** @example 'RR 2, Site 4, Box 12' */
  streetAddress: z.string().min(1),
  /** @example 'Lacombe' */
  locality: z.string().min(1),
  /** Province, state or region code. @example 'AB' */
  region: z.string().min(1),
  /** @example 'T4L 2N2' */
  postalCode: z.string().min(1),
  /** ISO 3166-1 alpha-2 country code. @example 'CA' */
  country: z.string().regex(/^[A-Z]{2}$/, 'use a two-letter country code such as "CA"'),
});

/** Opening hours for one or more days. */
export const OpeningHoursSchema = z.strictObject({
  /** @example ['Mo', 'Tu', 'We', 'Th', 'Fr'] */
  days: z.array(z.enum(DAYS)).min(1),
  /** @example '09:00' */
  opens: time,
  /** @example '17:00' */
  closes: time,
  /** Season this applies to, as ISO dates (optional). @example { from: '2026-04-01', to: '2026-10-31' } */
  season: z.strictObject({ from: z.iso.date(), to: z.iso.date() }).optional(),
});

/** The organisation or local business behind the site. */
export const BusinessSchema = z.strictObject({
  /**
   * `LocalBusiness` (or a more specific schema.org subtype such as `Store`) when visitors can come
   * to you; `Organization` otherwise.
   * @default 'LocalBusiness'
   */
  type: z.enum(['Organization', 'LocalBusiness', 'Store', 'OnlineStore', 'GardenStore', 'Florist']).default('LocalBusiness'),
  /** Registered legal name. @example 'Chinook Bulb Farm Ltd.' */
  legalName: z.string().min(2),
  address: AddressSchema,
  /** Telephone in international format. @example '+1-403-555-0142' */
  phone: z.string().regex(/^\+[1-9][0-9 ()-]{6,20}$/, 'use international format such as "+1-403-555-0142"'),
  /** Public contact e-mail. @example 'hello@chinookbulbfarm.ca' */
  email: z.email(),
  /** Logo for structured data (a path in `public/`, at least 112×112). @example '/logo.png' */
  logo: z.string().startsWith('/').optional(),
  /** @default [] */
  openingHours: z.array(OpeningHoursSchema).default([]),
  /** Regions you serve or ship to. @default [] @example ['Canada', 'United States'] */
  areaServed: z.array(z.string().min(2)).default([]),
  /** Latitude and longitude of the premises. @example { latitude: 52.46, longitude: -113.73 } */
  geo: z.strictObject({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }).optional(),
  /** @example '$$' */
  priceRange: z.string().max(10).optional(),
  /** Year or date founded. @example '1987' */
  foundingDate: z.string().optional(),
  /**
   * IANA time zone every time shown to people is written in (order pages, accounts, the staff
   * console, mail), and that the console's scheduled times are read in.
   * @default the zone of `address` (a province or state's main zone; see `config/time-zone.ts`), else 'UTC'
   * @example 'America/Edmonton'
   */
  timeZone: z.string().refine(isTimeZone, 'use an IANA time zone name such as "America/Edmonton"').optional(),
});
