import { z } from 'astro/zod';
import { checkLocales, LocaleTagSchema } from './locales.ts';

/** Site identity: what the site is called and how it speaks. */
export const SiteSchema = z
  .strictObject({
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
     * BCP 47 language tag of a site in one language. A site in several gives `locales` instead.
     * After parsing, the site's default locale (the first of `locales`).
     * @default 'en-CA'
     * @example 'fr-CA'
     */
    locale: LocaleTagSchema.optional(),
    /**
     * The site's languages, the default first: its pages at `/`, each other one's under
     * `/<language>/` (`fr-CA` → `/fr/`), through Astro's `i18n` routing. One locale (the default,
     * `[locale]`) adds no routing at all.
     * @default [locale]
     * @example ['en-CA', 'fr-CA']
     */
    locales: z.array(LocaleTagSchema).min(1).max(10).optional(),
    /**
     * The project's own wording for Rapport's messages, by locale then key (the keys are in
     * `integrations/rapport/i18n/en-CA.ts`); a text keeps the same `{placeholders}` as the original.
     * @default undefined
     * @example { 'fr-CA': { 'form.fix-fields': 'Corrigez les champs en rouge.' } }
     */
    messages: z.record(LocaleTagSchema, z.record(z.string(), z.string().min(1).max(500))).optional(),
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
    navigation: z
      .array(
        z.strictObject({
          label: z.string().min(1),
          /** The site path in the default locale; each other locale's page of it is found from it (`/faq/` → `/fr/faq/`). */
          href: z.string().startsWith('/'),
          /**
           * The label in the site's other locales.
           * @example { 'fr-CA': 'Bulbes' }
           */
          translations: z.record(LocaleTagSchema, z.string().min(1)).optional(),
        }),
      )
      .default([]),
    /**
     * The site's words in its other locales: tagline, description and catalogue name (the name stays one).
     * @default undefined
     * @example { 'fr-CA': { tagline: 'Des bulbes rustiques des Prairies', description: '…', catalogName: 'Bulbes' } }
     */
    translations: z
      .record(
        LocaleTagSchema,
        z.strictObject({
          tagline: z.string().max(80).optional(),
          description: z.string().min(50).max(160).optional(),
          catalogName: z.string().min(2).max(30).optional(),
        }),
      )
      .optional(),
  })
  .superRefine(checkLocales)
  // One place decides the locales: `locales` is always the full list and `locale` its first.
  .transform(({ locale, locales, ...site }) => {
    const all = locales ?? [locale ?? 'en-CA'];
    return { ...site, locale: all[0]!, locales: all };
  });
