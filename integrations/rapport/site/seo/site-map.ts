import { entriesIn, slugOf } from '../../content/translations.ts';
import { translator } from '../../i18n/translate.ts';
import { localHref } from '../page-locale.ts';
import privacy from 'virtual:rapport/privacy';
import siteMapParts from 'virtual:rapport/site-map-sections';
import type { RapportConfig } from '../../config/schema.ts';
import { groupBy, slugify } from '../../internal/slug.ts';

export interface SiteMapSection {
  heading: string;
  links: { title: string; href: string }[];
}

/** A feature's part of the HTML site map (the default export of the file it names in `siteMap()`), in the site map page's locale. */
export type SiteMapPart = (config: RapportConfig, locale: string) => Promise<SiteMapSection | undefined>;

/** Above this many products or answers, the site map lists their category pages instead of each one. */
const ITEM_LIMIT = 200;

/** One link per item, or, past the limit, one per category (with its count) so the page stays readable. */
export function itemsOrCategories<T>(items: readonly T[], item: (t: T) => { title: string; href: string }, category: (t: T) => string, categoryPath: string) {
  return items.length > ITEM_LIMIT
    ? groupBy(items, category).map(([c, list]) => ({ title: `${c} (${list.length})`, href: `${categoryPath}${slugify(c)}/` }))
    : items.map(item);
}

/** Every indexable page generated from content (or its category pages, on large sites), grouped for the HTML site map, in one locale. */
export async function siteMapSections(config: RapportConfig, locale: string = config.site.locale): Promise<SiteMapSection[]> {
  const say = translator(config.site, locale);
  const href = (path: string) => localHref(locale, path);
  const pages = (await entriesIn('pages', locale, (p) => !p.data.noindex)).map((p) => {
    const slug = slugOf(p);
    return slug === 'home' ? { title: say('sitemap.home'), href: href('/') } : { title: p.data.title, href: href(`/${slug}/`) };
  });
  const audiences = (await entriesIn('audiences', locale)).sort((a, b) => a.data.order - b.data.order);
  const about: SiteMapSection = {
    heading: say('sitemap.about'),
    links: [
      ...pages,
      ...audiences.map((a) => ({ title: a.data.title, href: href(`/${slugOf(a)}/`) })),
      ...(privacy ? [{ title: say('sitemap.privacy'), href: href('/privacy') }] : []),
    ],
  };
  // The enabled features' parts (products, questions and answers, newsletter), in their order.
  const parts = await Promise.all(siteMapParts.map((part) => part(config, locale)));
  return [about, ...parts.filter((p) => p !== undefined)];
}
