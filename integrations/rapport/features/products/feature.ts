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
    { pattern: '/products', entrypoint: route('index.astro') },
    { pattern: '/products/[slug]', entrypoint: route('[slug].astro') },
    { pattern: '/products/category/[category]/[...page]', entrypoint: route('category/[category]/[...page].astro') },
  ],
};
