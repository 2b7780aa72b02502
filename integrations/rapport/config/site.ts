import { z } from 'astro/zod';

/** Site identity: what the site is called and how it speaks. */
export const SiteSchema = z.strictObject({
  /**
   * The public name of the site, shown in the header, titles and social cards.
   * @example 'Chinook Bulb Farm'
   */
  name: z.string().min(2).max(60),
  /**
   * One short line under the name.
   * @default undefined
   * @example 'Prairie-hardy bulbs, grown in Alberta'
   */
  tagline: z.string().max(80).optional(),
  /**
   * Fallback meta description for generated pages that have none of their own (50–160 characters).
   * @example 'Tulips, daffodils and lilies grown for cold winters.'
   */
  description: z.string().min(50).max(160),
  /**
   * BCP 47 language tag of the site's default locale.
   * @default 'en-CA'
   * @example 'fr-CA'
   */
  locale: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'use a BCP 47 tag such as "en-CA"')
    .default('en-CA'),
  /**
   * Logo in `public/`, used in the header and structured data.
   * @default undefined
   * @example '/logo.svg'
   */
  logo: z.string().startsWith('/').optional(),
  /**
   * Brand colour for links, buttons and social cards (a 6-digit hex colour).
   * @default '#2f6b3b'
   * @example '#7a2e8c'
   */
  accentColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'use a 6-digit hex colour such as "#2f6b3b"')
    .default('#2f6b3b'),
  /**
   * What the product catalogue is called in headings and breadcrumbs.
   * @default 'Products'
   * @example 'Bulbs'
   */
  catalogName: z.string().min(2).max(30).default('Products'),
  /**
   * Links in the main navigation, in order.
   * @default []
   * @example [{ label: 'Products', href: '/products/' }]
   */
  navigation: z.array(z.strictObject({ label: z.string().min(1), href: z.string().startsWith('/') })).default([]),
});
