import { getImage } from 'astro:assets';
import config from 'virtual:rapport/config';
import { localizedPath } from '../../config/locales.ts';
import { entriesIn, slugOf } from '../../content/translations.ts';
import { catalogProduct, productWords } from './catalog.ts';
import type { CatalogProduct } from './pricing.ts';

/** The thumbnail's width in CSS pixels on the cart and order pages; drawn from an image twice as wide. */
export const THUMB_CSS_PX = 56;

/**
 * The catalogue from the products collection, each product with a small picture (its first image,
 * 112 px wide WebP) for the cart and the order form. Only for Astro's side (build and dev server):
 * `astro:assets` does not exist in Rapport's server, which reads the catalogue the build wrote.
 */
export async function catalogFromCollection(): Promise<CatalogProduct[]> {
  // One product per original: a translation names the same product (and its id) in another language.
  const entries = await entriesIn('products', config.site.locale);
  // Each product's words in the other locales, by slug: a French cart names it as its French page does.
  const words = new Map<string, Record<string, ReturnType<typeof productWords>>>();
  for (const locale of config.site.locales.filter((code) => code !== config.site.locale)) {
    for (const entry of await entriesIn('products', locale)) {
      const slug = slugOf(entry);
      words.set(slug, { ...words.get(slug), [locale]: productWords(entry, localizedPath(config.site, locale, `/products/${slug}/`)) });
    }
  }
  const products = await Promise.all(
    entries.map(async (entry) => {
      const translations = words.get(slugOf(entry));
      const product = { ...catalogProduct(entry), ...(translations ? { translations } : {}) };
      const main = entry.data.images[0];
      if (!main) return product;
      const image = await getImage({ src: main.src, width: THUMB_CSS_PX * 2, format: 'webp', quality: 60 });
      return {
        ...product,
        image: { src: image.src, width: THUMB_CSS_PX, height: Math.round((THUMB_CSS_PX * main.src.height) / main.src.width), alt: main.alt },
      };
    }),
  );
  return products.sort((a, b) => a.category.localeCompare(b.category) || a.name.localeCompare(b.name));
}
