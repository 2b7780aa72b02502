import { z } from 'astro/zod';

/** Feature switches: each capability of Rapport can be turned off. */
export const FeaturesSchema = z
  .strictObject({
    /** Product catalogue pages at `/products/`. @default true */
    products: z.boolean().default(true),
    /** FAQ pages at `/faq/`. @default true */
    faq: z.boolean().default(true),
    /** Newsletter archive at `/newsletter/` and its RSS feed. @default true */
    newsletter: z.boolean().default(true),
    /** Site search: Pagefind in the browser, `/search?q=` rendered by the server without JavaScript. @default true */
    search: z.boolean().default(true),
    /** Generated Open Graph images (1200×630 PNG per page). @default true */
    ogImages: z.boolean().default(true),
    /** Precompressed `.br`/`.gz` copies of text assets. @default true */
    precompress: z.boolean().default(true),
  })
  .prefault({});

/** Page-weight budgets for visitors on slow connections, in kilobytes (1 KB = 1,000 bytes) compressed. */
export const BudgetsSchema = z
  .strictObject({
    /** HTML + CSS + JavaScript of one page, gzip-compressed. @default 14 */
    textKb: z.number().positive().default(14),
    /** Everything above, plus images loaded eagerly (above the fold). @default 100 */
    totalKb: z.number().positive().default(100),
    /** Fail the build when a page is over budget (otherwise warn). @default true */
    enforce: z.boolean().default(true),
  })
  .prefault({});
