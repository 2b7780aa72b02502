import { getCollection, type CollectionEntry } from 'astro:content';
import config from 'virtual:rapport/config';
import { localePath } from '../config/locales.ts';
import { isLanguageCode } from './entry-id.ts';

/** Rapport's collections whose entries can be translated. */
export type TranslatableCollection = 'pages' | 'faq' | 'products' | 'newsletter' | 'audiences' | 'surveys';

/**
 * An entry's locale and slug, from its id. A translation sits beside its original with the language
 * in its name (`when-to-plant.fr.md`, Decap's `multiple_files` layout), and `rapportCollections`
 * gives it the id `fr/when-to-plant`; the original's id is its slug. The slug links the two.
 */
export function entryLocale(id: string): { locale: string | undefined; slug: string } {
  const slash = id.indexOf('/');
  if (slash > 0) {
    const language = id.slice(0, slash);
    if (isLanguageCode(language, languages)) {
      // A translation into a language the site does not have (yet) is on no page.
      return { locale: config.site.locales.find((code) => localePath(code) === language), slug: id.slice(slash + 1) };
    }
  }
  return { locale: config.site.locale, slug: id };
}

const languages = config.site.locales.map(localePath);

/** The slug an entry is published under in its locale (`fr/when-to-plant` → `when-to-plant`). */
export const slugOf = (entry: { id: string }): string => entryLocale(entry.id).slug;

/** A collection's entries in one locale (the default locale's are the originals), optionally filtered. */
export async function entriesIn<C extends TranslatableCollection>(
  collection: C,
  locale: string,
  filter: (entry: CollectionEntry<C>) => boolean = () => true,
): Promise<CollectionEntry<C>[]> {
  const entries = (await getCollection(collection)) as CollectionEntry<C>[];
  return entries.filter((entry) => entryLocale(entry.id).locale === locale && filter(entry));
}

const cache = new Map<string, Promise<Map<string, string[]>>>();

/** The locales an entry exists in, by slug (for `hreflang`, the sitemap and links between languages). */
export async function translationsOf(collection: TranslatableCollection, slug: string): Promise<string[]> {
  // Built pages read it once per collection; `astro dev` reads it afresh (content changes under it).
  let locales = import.meta.env.DEV ? undefined : cache.get(collection);
  if (!locales) {
    locales = getCollection(collection).then((entries) => {
      const bySlug = new Map<string, string[]>();
      for (const entry of entries) {
        const { locale, slug } = entryLocale(entry.id);
        if (locale) bySlug.set(slug, [...(bySlug.get(slug) ?? []), locale]);
      }
      return bySlug;
    });
    cache.set(collection, locales);
  }
  const found = (await locales).get(slug) ?? [];
  return config.site.locales.filter((code) => found.includes(code));
}
