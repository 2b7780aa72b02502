import { z } from 'astro/zod';
import type { SchemaContext } from 'astro:content';

/**
 * Content schemas, defined once. `src/content.config.ts` turns them into collections; the CMS
 * configuration and the privacy builder read the same objects.
 */

/** `<title>` text: search engines show about 60 characters. */
export const seoTitle = z
  .string()
  .min(10, 'a title needs at least 10 characters so it says what the page is about')
  .max(60, 'keep titles to 60 characters or fewer; search results cut longer ones');
/** Meta description: search engines show about 160 characters. */
export const seoDescription = z
  .string()
  .min(50, 'a description needs at least 50 characters to be useful in search results')
  .max(160, 'keep descriptions to 160 characters or fewer; search results cut longer ones');
/** Dates written in front matter (`2026-03-01`) or by the CMS (ISO timestamps). */
const date = z.coerce.date();
const imageWithAlt = ({ image }: SchemaContext) =>
  z.strictObject({
    src: image().meta({ title: 'Image file' }).describe('A JPEG, PNG, WebP or AVIF picture; it is resized for each screen when the site is built'),
    alt: z.string().min(3).max(160).meta({ title: 'Description of the image' }).describe('What the image shows, for people who cannot see it'),
  });

/** Plain pages: home, about, contact and the like. The Markdown body is the page. */
export const pageSchema = (ctx: SchemaContext) =>
  z.strictObject({
    title: seoTitle.describe('Page title, shown in the browser tab and in search results'),
    description: seoDescription.describe('One or two sentences shown under the title in search results'),
    heading: z.string().max(90).optional().describe('Main heading on the page, if different from the title'),
    updated: date.meta({ title: 'Last updated' }).describe('When the content last changed materially'),
    image: imageWithAlt(ctx).optional().meta({ title: 'Picture' }).describe('Shown at the top of the page and when the page is shared'),
    noindex: z.boolean().default(false).meta({ title: 'Hide from search engines' }).describe('Hide this page from search engines and the sitemap'),
    survey: z
      .string()
      .max(80)
      .optional()
      .meta({ title: 'Survey on this page' })
      .describe('A survey to ask below the text (Surveys in the menu); its answers are in the staff console, never on the site'),
  });

/**
 * Care dates (features/care-reminders): days in the year a customer may ask to be reminded of, as
 * they fall in the business's own province or state (the reference region; a customer elsewhere
 * gets them moved by the region rule, `features/care-reminders/region-offset.ts`). Its words are
 * translated with the entry: each language's file keeps the same dates in the same order.
 */
export const careDates = z
  .array(
    z.strictObject({
      what: z.string().min(3).max(60).describe('What to do then, for example "Lift before frost" or "Order by"'),
      month: z.number().int().min(1).max(12).describe('The month, 1 to 12, in the business’s own province or state'),
      day: z.number().int().min(1).max(31).describe('The day of the month'),
    }),
  )
  .max(6)
  .optional()
  .meta({ title: 'Care dates', summary: '{{fields.what}} ({{fields.month}}/{{fields.day}})' })
  .describe('Dates a customer can ask to be reminded of by e-mail, adjusted to their province or state; leave empty for none');

export const FAQ_STATUSES = ['pending_review', 'published', 'rejected', 'merged'] as const;
/** What each FAQ status means, in the editor's words (the CMS shows these instead of the values). */
export const FAQ_STATUS_LABELS: Record<(typeof FAQ_STATUSES)[number], string> = {
  pending_review: 'Waiting for an answer (not on the site)',
  published: 'Published on the FAQ page',
  rejected: 'Not published (the asker is told)',
  merged: 'Merged into another answer (the asker is sent there)',
};
/** FAQ entries. The Markdown body is the answer. */
export const faqSchema = z
  .strictObject({
    question: z.string().min(10).max(160).describe('The question as a visitor would ask it'),
    category: z.string().min(2).max(40).describe('The group it is listed under on the FAQ page'),
    order: z.number().int().min(0).default(100).meta({ title: 'Position' }).describe('Lower numbers come first within a category'),
    status: z
      .enum(FAQ_STATUSES)
      .default('published')
      .meta({ optionLabels: FAQ_STATUS_LABELS })
      .describe('The one status to set: only published answers appear on the site, and the asker is told when the site is published'),
    updated: date.meta({ title: 'Last updated' }).describe('When the answer last changed'),
    description: seoDescription.optional().meta({ title: 'Search result text' }).describe('Shown under the title in search results; the answer’s first sentences when empty'),
    submission: z
      .string()
      .max(64)
      .optional()
      .meta({ title: 'Visitor question number' })
      .describe('Links this entry to the visitor’s question in the staff console (no personal data)'),
    mergedInto: z.string().max(120).optional().meta({ title: 'Merged into' }).describe('The published answer that already answers this question'),
    careDates,
  });

export const AVAILABILITY = ['in_stock', 'out_of_stock', 'preorder', 'backorder', 'discontinued'] as const;
export const CURRENCIES = ['CAD', 'USD'] as const;
/** Products in the catalogue. The Markdown body is the long description. */
export const productSchema = (ctx: SchemaContext) =>
  z.strictObject({
    name: z.string().min(3).max(60).describe('Product name as shown on the page'),
    sku: z
      .string()
      .regex(/^[A-Z0-9][A-Z0-9-]{2,31}$/, 'SKUs use capital letters, digits and hyphens')
      .meta({ title: 'Product code (SKU)' })
      .describe('Your own code for this product, unique: capital letters, digits and hyphens, for example TUL-APRICOT-10'),
    price: z.number().nonnegative().multipleOf(0.01).describe('Unit price, before tax'),
    currency: z.enum(CURRENCIES).default('CAD').describe('The currency of the price'),
    unit: z.string().max(40).default('each').describe('What one unit is, for example "bag of 10 bulbs"'),
    description: seoDescription.describe('Short description for search results and product lists'),
    category: z.string().min(2).max(40).describe('The group it is listed under in the catalogue'),
    images: z.array(imageWithAlt(ctx)).min(1).meta({ title: 'Pictures', summary: '{{fields.alt}}' }).describe('The first picture is the main one'),
    availability: z
      .enum(AVAILABILITY)
      .default('in_stock')
      .meta({
        optionLabels: { in_stock: 'In stock', out_of_stock: 'Out of stock', preorder: 'Pre-order', backorder: 'Back-order (ships later)', discontinued: 'Discontinued' },
      })
      .describe('Whether it can be ordered now'),
    shippingWeightGrams: z.number().int().positive().max(70_000).meta({ title: 'Shipping weight (grams)' }).describe('Packed weight of one unit, for shipping'),
    botanicalName: z.string().max(80).optional().describe('The plant’s Latin name, if it has one'),
    featured: z.boolean().default(false).meta({ title: 'Feature on the home page' }).describe('Show on the home page'),
    careDates,
    updated: date.meta({ title: 'Last updated' }).describe('When the product’s details last changed'),
  });

/** Newsletter issues: the archive at `/newsletter/`. */
export const newsletterSchema = (ctx: SchemaContext) =>
  z.strictObject({
    title: seoTitle.describe('The issue’s title, shown in the archive and in search results'),
    date: date.describe('Date the issue was sent'),
    summary: seoDescription.describe('One or two sentences; used in the archive, the feed and search results'),
    image: imageWithAlt(ctx).optional().meta({ title: 'Picture' }).describe('Shown at the top of the issue'),
    updated: date.optional().meta({ title: 'Last updated' }).describe('When the issue was corrected after it was sent, if it was'),
  });

export const AUDIENCES = ['customers', 'suppliers', 'investors'] as const;
/** One page per audience: customers, suppliers and partners, investors. */
export const audienceSchema = (ctx: SchemaContext) =>
  z.strictObject({
    audience: z
      .enum(AUDIENCES)
      .meta({ optionLabels: { customers: 'Customers', suppliers: 'Suppliers and partners', investors: 'Investors' } })
      .describe('Who this page is for'),
    title: seoTitle.describe('Page title, shown in the browser tab and in search results'),
    description: seoDescription.describe('One or two sentences shown under the title in search results'),
    heading: z.string().max(90).optional().describe('Main heading on the page, if different from the title'),
    order: z.number().int().default(0).meta({ title: 'Position' }).describe('Lower numbers come first where the audience pages are listed'),
    updated: date.meta({ title: 'Last updated' }).describe('When the content last changed materially'),
    image: imageWithAlt(ctx).optional().meta({ title: 'Picture' }).describe('Shown at the top of the page and when the page is shared'),
  });

export const SURVEY_QUESTION_KINDS = ['choice', 'scale', 'text'] as const;
/** How each kind of question reads to an editor. */
export const SURVEY_QUESTION_KIND_LABELS: Record<(typeof SURVEY_QUESTION_KINDS)[number], string> = {
  choice: 'Pick one of the options',
  scale: 'A scale from 1 to 5',
  text: 'A short answer in their own words',
};
/** The most questions a survey asks: a short survey gets answered. */
export const MAX_SURVEY_QUESTIONS = 8;
/** The most choices one question offers. */
export const MAX_SURVEY_OPTIONS = 8;

/**
 * A short survey (features/surveys): placed on a page (the page's "Survey on this page") or sent
 * in the after-sale e-mail. The Markdown body is its introduction. Answers are stored by each
 * question's position and each option's position, so a translation keeps the same questions and
 * options in the same order, and changing a survey that has answers starts a new one (a new file).
 */
export const surveySchema = z
  .strictObject({
    title: z.string().min(5).max(90).describe('The survey’s heading, also the e-mail’s invitation, for example "How did your bulbs do?"'),
    questions: z
      .array(
        z.strictObject({
          question: z.string().min(3).max(200).describe('The question as the customer reads it'),
          kind: z.enum(SURVEY_QUESTION_KINDS).default('choice').meta({ optionLabels: SURVEY_QUESTION_KIND_LABELS }).describe('How it is answered'),
          options: z
            .array(z.string().min(1).max(80))
            .max(MAX_SURVEY_OPTIONS)
            .optional()
            .describe('For “pick one”: two to eight options, in the order shown'),
          low: z.string().max(40).optional().meta({ title: 'Scale: what 1 means' }).describe('For a scale, for example "Not at all"'),
          high: z.string().max(40).optional().meta({ title: 'Scale: what 5 means' }).describe('For a scale, for example "Very much"'),
          required: z.boolean().default(false).meta({ title: 'Must be answered' }).describe('Whether the survey cannot be sent without it'),
        }),
      )
      .min(1)
      .max(MAX_SURVEY_QUESTIONS)
      .superRefine((questions, ctx) => {
        questions.forEach((q, i) => {
          if (q.kind === 'choice' && (q.options?.length ?? 0) < 2) {
            ctx.addIssue({ code: 'custom', path: [i, 'options'], message: 'a “pick one” question needs at least two options' });
          }
        });
      })
      .meta({ title: 'Questions', summary: '{{fields.question}}' })
      .describe('One to eight questions, asked in this order; keep the same questions in the same order in each language'),
    afterOrder: z
      .boolean()
      .default(false)
      .meta({ title: 'Ask after an order' })
      .describe('Invite customers in the e-mail sent some weeks after their order arrives (only to customers who may receive it); one survey at a time'),
    closes: date.optional().meta({ title: 'Closes on' }).describe('The last day answers are taken; leave empty to keep it open'),
    updated: date.meta({ title: 'Last updated' }).describe('When the survey last changed'),
  });
export type SurveyData = z.infer<typeof surveySchema>;
