import type { APIRoute } from 'astro';
import config from 'virtual:rapport/config';
import { entriesIn, slugOf } from '../../../content/translations.ts';
import { careSubjects } from '../care-dates.ts';

export const prerender = true;

/** The products and answers with care dates, in every language; moved out of the public folder after the build. */
export const GET: APIRoute = async () => {
  const locales = config.site.locales;
  const products = config.features.products
    ? careSubjects(
        await Promise.all(locales.map(async (locale) => ({ locale, entries: await entriesIn('products', locale) }))),
        config.site.locale,
        (e) => `product:${(e as { data: { sku: string } }).data.sku}`,
        (e) => ('name' in e.data ? e.data.name : ''),
        (slug) => `/products/${slug}/`,
        slugOf,
      )
    : [];
  const faq = config.features.faq
    ? careSubjects(
        await Promise.all(locales.map(async (locale) => ({ locale, entries: await entriesIn('faq', locale, (e) => e.data.status === 'published') }))),
        config.site.locale,
        (_e, slug) => `faq:${slug}`,
        (e) => ('question' in e.data ? e.data.question : ''),
        (slug) => `/faq/${slug}/`,
        slugOf,
      )
    : [];
  return new Response(JSON.stringify({ subjects: [...products, ...faq] }), { headers: { 'Content-Type': 'application/json' } });
};
