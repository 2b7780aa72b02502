import { z } from 'astro/zod';
import { CURRENCIES } from '../content/schemas.ts';
import { CANADA_PST, COUNTRIES, COUNTRY_CODES, type CountryCode } from './regions.ts';
import { LocaleTagSchema } from './locales.ts';

const money = () => z.number().nonnegative().multipleOf(0.01);
const country = () => z.enum(COUNTRY_CODES as [CountryCode, ...CountryCode[]]);

/** One price rule of a shipping option for a destination. Amounts in the order currency. */
export const ShippingRateSchema = z.strictObject({
  /** @example 'CA' */
  country: country(),
  /** Provinces or states this rate is for (ISO 3166-2 codes without the country); all when absent. @example ['AB'] */
  regions: z
    .array(z.string().regex(/^[A-Z]{2}$/))
    .min(1)
    .optional(),
  /** Price of a parcel up to 1 kg. @example 12 */
  base: money(),
  /** Added for every further kilogram or part of one. @default 0 */
  perKg: money().default(0),
  /** Free when the goods total reaches this amount. */
  freeOver: money().optional(),
});

/** A way to ship, priced by weight and destination. The first rate that matches a destination applies. */
export const ShippingOptionSchema = z.strictObject({
  /** Stable id stored with each order. @example 'standard' */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,30}$/, 'use lowercase letters, digits and dashes'),
  /** @example 'Standard parcel' */
  label: z.string().min(2).max(60),
  /** @example 'Canada Post Expedited, 2 to 7 business days.' */
  description: z.string().max(160).optional(),
  /**
   * Its label and description in the site's other locales.
   * @default undefined
   * @example { 'fr-CA': { label: 'Colis standard', description: 'Postes Canada Colis accélérés, de 2 à 7 jours ouvrables.' } }
   */
  translations: z.record(LocaleTagSchema, z.strictObject({ label: z.string().min(2).max(60), description: z.string().max(160).optional() })).optional(),
  rates: z.array(ShippingRateSchema).min(1),
});

/** A sales tax the business collects: percent of the goods (and, usually, shipping) to a destination. */
export const TaxRuleSchema = z.strictObject({
  country: country(),
  /** Provinces or states it applies to; the whole country when absent. @example ['WA'] */
  regions: z
    .array(z.string().regex(/^[A-Z]{2}$/))
    .min(1)
    .optional(),
  /** As printed on the receipt. @example 'Washington sales tax' */
  name: z.string().min(2).max(40),
  /** Percent, up to three decimals. @example 6.5 */
  rate: z.number().positive().max(30).multipleOf(0.001),
  /** Whether shipping is taxed too. @default true */
  shipping: z.boolean().default(true),
});

export const PAYMENT_METHODS = ['invoice', 'e-transfer', 'cheque', 'purchase-order'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** Orders (`/order`), order status pages and shipment tracking. */
export const OrdersSchema = z
  .strictObject({
    /** The order form, order status pages and `/track` (needs a server). @default true */
    enabled: z.boolean().default(true),
    /** Orders are priced in this currency; products priced in another cannot be ordered online. @default 'CAD' */
    currency: z.enum(CURRENCIES).default('CAD'),
    /**
     * Where you ship, with the provinces or states you do not ship to.
     * @default [{ country: 'CA', except: [] }]
     */
    shipsTo: z
      .array(z.strictObject({ country: country(), except: z.array(z.string().regex(/^[A-Z]{2}$/)).default([]) }))
      .min(1)
      .default([{ country: 'CA', except: [] }]),
    /** Shipping options and their prices. @default one "Standard parcel" option for Canada */
    shipping: z
      .array(ShippingOptionSchema)
      .min(1)
      .default([
        { id: 'standard', label: 'Standard parcel', description: 'Tracked parcel, 2 to 8 business days.', rates: [{ country: 'CA', base: 12, perKg: 4 }] },
      ]),
    taxes: z
      .strictObject({
        /** Canada: GST/HST by destination (on when you are registered), and the provinces whose sales tax you collect. */
        canada: z
          .strictObject({
            /** @default true */
            gstHst: z.boolean().default(true),
            /** @default [] @example ['BC', 'SK'] */
            pst: z.array(z.enum(Object.keys(CANADA_PST) as [keyof typeof CANADA_PST, ...Array<keyof typeof CANADA_PST>])).default([]),
          })
          .prefault({}),
        /** More taxes, e.g. US states where you collect sales tax. @default [] */
        rules: z.array(TaxRuleSchema).default([]),
      })
      .prefault({}),
    /** How customers may pay; no card data ever reaches the server. @default ['invoice', 'e-transfer', 'cheque', 'purchase-order'] */
    payment: z
      .array(z.enum(PAYMENT_METHODS))
      .min(1)
      .default([...PAYMENT_METHODS]),
    /** Days an invoice is due in. @default 30 */
    invoiceDays: z.number().int().min(0).max(120).default(30),
    /** The most of one product one order may have; larger orders are asked to get in touch. @default 99 */
    maxQuantity: z.number().int().min(1).max(10_000).default(99),
    /** One e-mail some time after delivery, with products other customers bought together with these. */
    followUp: z
      .strictObject({
        /** @default true */
        enabled: z.boolean().default(true),
        /** @default 30 */
        daysAfterDelivery: z.number().int().min(1).max(365).default(30),
        /**
         * `implied`: sent within the implied-consent window after a purchase (CASL: two years)
         * unless the customer opted out; `express`: only to customers who ticked the box on the
         * order form. @default 'implied'
         */
        consent: z.enum(['implied', 'express']).default('implied'),
        /** Months after a purchase that implied consent lasts. @default 24 */
        impliedConsentMonths: z.number().int().min(1).max(60).default(24),
      })
      .prefault({}),
    /**
     * Reorder reminders: before a season's ordering window closes (Settings → Ordering windows),
     * one e-mail to each customer who bought its products in an earlier season, with the same
     * consent rule as `followUp` (its `consent` and `impliedConsentMonths`); "Order again" on
     * the account page. Needs the server. @default false
     */
    reorder: z
      .strictObject({
        /** @default false */
        enabled: z.boolean().default(false),
      })
      .prefault({}),
  })
  .superRefine((orders, ctx) => {
    const known = (c: CountryCode, r: string) => r in COUNTRIES[c].regions;
    orders.shipsTo.forEach((s, i) =>
      s.except.forEach(
        (r, j) => known(s.country, r) || ctx.addIssue({ code: 'custom', path: ['shipsTo', i, 'except', j], message: `"${r}" is not a region of ${s.country}` }),
      ),
    );
    orders.shipping.forEach((o, i) =>
      o.rates.forEach((rate, j) => {
        if (!orders.shipsTo.some((s) => s.country === rate.country))
          ctx.addIssue({ code: 'custom', path: ['shipping', i, 'rates', j, 'country'], message: `${rate.country} is not in shipsTo` });
        rate.regions?.forEach(
          (r) =>
            known(rate.country, r) ||
            ctx.addIssue({ code: 'custom', path: ['shipping', i, 'rates', j, 'regions'], message: `"${r}" is not a region of ${rate.country}` }),
        );
      }),
    );
    if (new Set(orders.shipping.map((o) => o.id)).size !== orders.shipping.length)
      ctx.addIssue({ code: 'custom', path: ['shipping'], message: 'shipping option ids must be unique' });
    orders.taxes.rules.forEach((t, i) =>
      t.regions?.forEach(
        (r) =>
          known(t.country, r) || ctx.addIssue({ code: 'custom', path: ['taxes', 'rules', i, 'regions'], message: `"${r}" is not a region of ${t.country}` }),
      ),
    );
  })
  .prefault({});

export type OrdersOptions = z.infer<typeof OrdersSchema>;
