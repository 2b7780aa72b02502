import { fileURLToPath } from 'node:url';
import type { RapportFeature } from '../../core/feature.ts';

// Its public entry for other features: how a product's availability is said (the order page).
export { availabilityLabel } from './format.ts';

const route = (file: string) => fileURLToPath(new URL(`./routes/${file}`, import.meta.url));

/** The product catalogue's pages: the list, one page per product, and one list per category. */
export const productsFeature: RapportFeature = {
  id: 'products',
  enabled: ({ config }) => config.features.products,
  siteMap: () => ({ entrypoint: fileURLToPath(new URL('./site-map.ts', import.meta.url)), order: 10 }),
  routes: () => [
    // In every locale: each lists that locale's products only (a product without a translation is left out of it).
    // The list is a rest route so that a locale without products gets no page, as an untranslated product gets none.
    { pattern: '/products/[...index]', entrypoint: route('index.astro'), localized: true },
    { pattern: '/products/[slug]', entrypoint: route('[slug].astro'), localized: true },
    { pattern: '/products/category/[category]/[...page]', entrypoint: route('category/[category]/[...page].astro'), localized: true },
  ],
};
