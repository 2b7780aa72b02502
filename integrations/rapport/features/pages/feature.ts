import { fileURLToPath } from 'node:url';
import type { RapportFeature } from '../../core/feature.ts';

const route = (file: string) => fileURLToPath(new URL(`./routes/${file}`, import.meta.url));

/** Pages from the `pages` collection (about, shipping, partners, investors…). Always on. */
export const pagesFeature: RapportFeature = {
  id: 'pages',
  enabled: () => true,
  routes: () => [{ pattern: '/[slug]', entrypoint: route('[slug].astro'), localized: true }],
};
