import { z } from 'astro/zod';
import { LocaleTagSchema } from './locales.ts';
import { OrdersSchema } from './orders.ts';

/** One mailing list a visitor can subscribe to. */
export const MailingListSchema = z.strictObject({
  /** Stable id stored with each subscription; lowercase letters, digits and dashes. @example 'news' */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'use lowercase letters, digits and dashes, e.g. "news"'),
  /** What the visitor reads next to the checkbox. @example 'Seasonal newsletter' */
  label: z.string().min(1).max(80),
  /** One sentence on what and how often. @example 'Planting tips and first pick of new bulbs, four times a year.' */
  description: z.string().min(1).max(200),
  /**
   * Its label and description in the site's other locales.
   * @default undefined
   * @example { 'fr-CA': { label: 'L’infolettre', description: 'Conseils de plantation, quatre fois par année.' } }
   */
  translations: z.record(LocaleTagSchema, z.strictObject({ label: z.string().min(1).max(80), description: z.string().min(1).max(200) })).optional(),
});

/** A list as a visitor reading `locale` meets it: its words in that locale where the options give them. */
export function listIn<L extends { label: string; description: string; translations?: Record<string, { label: string; description: string }> | undefined }>(
  list: L,
  locale: string,
): L {
  const own = list.translations?.[locale];
  return own ? { ...list, label: own.label, description: own.description } : list;
}

/** Visitors' questions (`/faq/ask`): each becomes a draft FAQ entry for an editor to answer. */
export const QuestionsSchema = z
  .strictObject({
    /** Offer `/faq/ask` (needs the FAQ feature and a server). @default true */
    enabled: z.boolean().default(true),
    /** Whether askers must leave an e-mail address (to be told when the answer is published). @default 'optional' */
    email: z.enum(['optional', 'required']).default('optional'),
    /** Where draft entries are written, relative to the project root: the FAQ collection's folder. @default 'content/faq' */
    draftsDir: z.string().min(1).default('content/faq'),
  })
  .prefault({});

/** Sending newsletter issues to lists from the staff console. */
export const CampaignsSchema = z
  .strictObject({
    /**
     * Messages handed to the mail server per minute, so a big list does not trip the provider's
     * sending limits (or the spam filters of a new sender). 0 sends as fast as the server takes them. @default 600
     */
    ratePerMinute: z.number().int().min(0).max(1_000_000).default(600),
    /**
     * Links in campaigns go through `/r/<id>` and are counted. `count` (the default) counts clicks per
     * link without knowing who clicked; `per-person` also records which subscriber clicked (the
     * privacy statement then says so); `off` leaves links as written.
     * @default 'count'
     */
    clicks: z.enum(['count', 'per-person', 'off']).default('count'),
    /**
     * A 1-pixel image that counts opens (per person with `clicks: 'per-person'`). Off by default:
     * many mail programs load images for privacy proxies or not at all, so the figure misleads.
     * @default false
     */
    opens: z.boolean().default(false),
  })
  .prefault({});

/** The CRM side: forms, lists, accounts and the mail they send. */
export const CrmSchema = z
  .strictObject({
    /** Newsletter sign-up, confirmation, unsubscribe and preferences (`/subscribe`). @default true */
    subscribe: z.boolean().default(true),
    /** Registration and passwordless sign-in (`/account/`). @default true */
    accounts: z.boolean().default(true),
    /** The contact form (`/contact/message`). @default true */
    contactForm: z.boolean().default(true),
    /** Orders (`/order`, `/orders/<number>`), shipments and `/track`. */
    orders: OrdersSchema,
    /** Visitors' questions for the FAQ (`/faq/ask`). */
    questions: QuestionsSchema,
    /**
     * Mailing lists offered on `/subscribe`. The first is ticked by default.
     * @default [{ id: 'news', label: 'Newsletter', description: 'News from us by e-mail, a few times a year.' }]
     */
    lists: z
      .array(MailingListSchema)
      .min(1)
      .default([{ id: 'news', label: 'Newsletter', description: 'News from us by e-mail, a few times a year.' }]),
    /** Newsletter campaigns: pacing and what is counted. */
    campaigns: CampaignsSchema,
    /**
     * Visit counts without cookies or personal data: per-day totals of page views by page,
     * referring site and kind of device, on the console's Visits page. Needs the server.
     */
    visits: z
      .strictObject({
        /** @default true */
        enabled: z.boolean().default(true),
        /** Views counted from one address in a minute (by a hash of it, never kept); past it a flood counts for nothing. @default 120 */
        perAddressPerMinute: z.number().int().min(1).max(100_000).default(120),
      })
      .prefault({}),
    /**
     * Surveys editors write in the CMS (Surveys): asked on a page or in the after-sale e-mail,
     * answered without an account, read in the console. Needs the server. Off until turned on:
     * the privacy settings must then say why answers are collected and how long they are kept
     * (the "surveys" purpose and retention; the build says so).
     */
    surveys: z
      .strictObject({
        /** @default false */
        enabled: z.boolean().default(false),
      })
      .prefault({}),
    /** Where staff notifications go. @default business.email */
    staffEmail: z.email().optional(),
    /** The `From` of every message. @default '<site.name> <business.email>' */
    mailFrom: z.string().min(3).optional(),
    /** Hours an unconfirmed sign-up waits for its confirmation before it is deleted. @default 100 */
    signupExpiryHours: z
      .number()
      .int()
      .positive()
      .max(24 * 30)
      .default(100),
  })
  .prefault({});
