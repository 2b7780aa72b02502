import type { CollectionEntry } from 'astro:content';
import config from 'virtual:rapport/config';
import { entriesIn } from '../../content/translations.ts';

/** The products a locale's lists show, by name: its own entries, less discontinued ones (which keep their page). */
export async function listedProducts(locale: string): Promise<CollectionEntry<'products'>[]> {
  const products = await entriesIn('products', locale, (p) => p.data.availability !== 'discontinued');
  return products.sort((a, b) => a.data.name.localeCompare(b.data.name, locale));
}

/** The locales with a catalogue page: the default one always, another where it has a product to list. */
export async function catalogueLocales(): Promise<string[]> {
  const has = await Promise.all(config.site.locales.map(async (code) => code === config.site.locale || (await listedProducts(code)).length > 0));
  return config.site.locales.filter((_, i) => has[i]);
}
