import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { audienceSchema, faqSchema, newsletterSchema, pageSchema, productSchema } from './schemas.ts';

/** Rapport's content collections, read from `<contentDir>/<collection>/`. Spread into `collections`. */
export function rapportCollections(contentDir = './content') {
  const from = (folder: string, pattern = '**/*.md') => glob({ base: `${contentDir}/${folder}`, pattern });
  return {
    pages: defineCollection({ loader: from('pages'), schema: pageSchema }),
    faq: defineCollection({ loader: from('faq'), schema: faqSchema }),
    products: defineCollection({ loader: from('products'), schema: productSchema }),
    newsletter: defineCollection({ loader: from('newsletter'), schema: newsletterSchema }),
    audiences: defineCollection({ loader: from('audiences'), schema: audienceSchema }),
  };
}
