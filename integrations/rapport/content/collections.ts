import { defineCollection } from 'astro:content';
import { i18n } from 'astro:config/client';
import { glob } from 'astro/loaders';
import { entryId } from './entry-id.ts';
import { audienceSchema, faqSchema, newsletterSchema, pageSchema, productSchema, surveySchema } from './schemas.ts';

/**
 * Rapport's content collections, read from `<contentDir>/<collection>/`. Spread into `collections`.
 * A translation is a file beside its original with the language in its name (`about.fr.md`).
 */
export function rapportCollections(contentDir = './content') {
  // Astro's i18n is Rapport's `site.locales` (absent for a site in one language): see `entryId`.
  const languages = i18n?.locales.map((l) => (typeof l === 'string' ? l : l.path)) ?? [];
  const generateId = ({ entry }: { entry: string }) => entryId(entry, languages, i18n?.defaultLocale);
  const from = (folder: string, pattern = '**/*.md') => glob({ base: `${contentDir}/${folder}`, pattern, generateId });
  return {
    pages: defineCollection({ loader: from('pages'), schema: pageSchema }),
    faq: defineCollection({ loader: from('faq'), schema: faqSchema }),
    products: defineCollection({ loader: from('products'), schema: productSchema }),
    newsletter: defineCollection({ loader: from('newsletter'), schema: newsletterSchema }),
    audiences: defineCollection({ loader: from('audiences'), schema: audienceSchema }),
    surveys: defineCollection({ loader: from('surveys'), schema: surveySchema }),
  };
}
