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
    src: image(),
    alt: z.string().min(3).max(160).describe('What the image shows, for people who cannot see it'),
  });

/** Plain pages: home, about, contact and the like. The Markdown body is the page. */
export const pageSchema = (ctx: SchemaContext) =>
  z.strictObject({
    title: seoTitle.describe('Page title, shown in the browser tab and in search results'),
    description: seoDescription.describe('One or two sentences shown under the title in search results'),
    heading: z.string().max(90).optional().describe('Main heading on the page, if different from the title'),
    updated: date.describe('When the content last changed materially'),
    image: imageWithAlt(ctx).optional(),
    noindex: z.boolean().default(false).describe('Hide this page from search engines and the sitemap'),
  });

export const FAQ_STATUSES = ['pending_review', 'published', 'rejected', 'merged'] as const;
/** FAQ entries. The Markdown body is the answer. */
export const faqSchema = z
  .strictObject({
    question: z.string().min(10).max(160).describe('The question as a visitor would ask it'),
    category: z.string().min(2).max(40).describe('Group shown as a heading on the FAQ page'),
    order: z.number().int().min(0).default(100).describe('Lower numbers come first within a category'),
    status: z.enum(FAQ_STATUSES).default('published').describe('Only published entries appear on the site'),
    updated: date.describe('When the answer last changed'),
    description: seoDescription.optional().describe('Search-result text; the answer’s first sentences when empty'),
    submission: z.string().max(64).optional().describe('Reference to the visitor submission this came from (no personal data)'),
    mergedInto: z.string().max(120).optional().describe('Slug of the entry this question was merged into'),
  });

export const AVAILABILITY = ['in_stock', 'out_of_stock', 'preorder', 'backorder', 'discontinued'] as const;
export const CURRENCIES = ['CAD', 'USD'] as const;
/** Products in the catalogue. The Markdown body is the long description. */
export const productSchema = (ctx: SchemaContext) =>
  z.strictObject({
    name: z.string().min(3).max(60).describe('Product name as shown on the page'),
    sku: z.string().regex(/^[A-Z0-9][A-Z0-9-]{2,31}$/, 'SKUs use capital letters, digits and hyphens').describe('Stock-keeping unit, unique'),
    price: z.number().nonnegative().multipleOf(0.01).describe('Unit price, before tax'),
    currency: z.enum(CURRENCIES).default('CAD'),
    unit: z.string().max(40).default('each').describe('What one unit is, for example "bag of 10 bulbs"'),
    description: seoDescription.describe('Short description for search results and product lists'),
    category: z.string().min(2).max(40),
    images: z.array(imageWithAlt(ctx)).min(1).describe('First image is the main one'),
    availability: z.enum(AVAILABILITY).default('in_stock'),
    shippingWeightGrams: z.number().int().positive().max(70_000).describe('Packed weight of one unit, for shipping'),
    botanicalName: z.string().max(80).optional(),
    featured: z.boolean().default(false).describe('Show on the home page'),
    updated: date,
  });

/** Newsletter issues: the archive at `/newsletter/`. */
export const newsletterSchema = (ctx: SchemaContext) =>
  z.strictObject({
    title: seoTitle,
    date: date.describe('Date the issue was sent'),
    summary: seoDescription.describe('One or two sentences; used in the archive, the feed and search results'),
    image: imageWithAlt(ctx).optional(),
    updated: date.optional(),
  });

export const AUDIENCES = ['customers', 'suppliers', 'investors'] as const;
/** One page per audience: customers, suppliers and partners, investors. */
export const audienceSchema = (ctx: SchemaContext) =>
  z.strictObject({
    audience: z.enum(AUDIENCES),
    title: seoTitle,
    description: seoDescription,
    heading: z.string().max(90).optional(),
    order: z.number().int().default(0),
    updated: date,
    image: imageWithAlt(ctx).optional(),
  });
