import { z } from 'astro/zod';
import { OrdersSchema } from './orders.ts';

/** One mailing list a visitor can subscribe to. */
export const MailingListSchema = z.strictObject({
  /** Stable id stored with each subscription; lowercase letters, digits and dashes. @example 'news' */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'use lowercase letters, digits and dashes, e.g. "news"'),
  /** What the visitor reads next to the checkbox. @example 'Seasonal newsletter' */
  label: z.string().min(1).max(80),
  /** One sentence on what and how often. @example 'Planting tips and first pick of new bulbs, four times a year.' */
  description: z.string().min(1).max(200),
});

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
