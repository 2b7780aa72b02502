import { localSite } from '../../config/locales.ts';
import { entriesIn, slugOf } from '../../content/translations.ts';
import { translator } from '../../i18n/translate.ts';
import { localHref } from '../../site/page-locale.ts';
import { itemsOrCategories, type SiteMapPart } from '../../site/seo/site-map.ts';
import { catalogueLocales } from './listed.ts';

/** The catalogue in the HTML site map: the products of the site map's locale, at their addresses in it. */
const productsPart: SiteMapPart = async (config, locale) => {
  const say = translator(config.site, locale);
  const { catalogName } = localSite(config.site, locale);
  const href = (path: string) => localHref(locale, path);
  const products = (await entriesIn('products', locale)).sort((a, b) => a.data.name.localeCompare(b.data.name, locale));
  // A locale without products to list has no catalogue page (see listed.ts), nor a section here.
  const all = (await catalogueLocales()).includes(locale)
    ? [{ title: say('products.all', { catalog: catalogName.toLowerCase() }), href: href('/products/') }]
    : [];
  if (!products.length && !all.length) return undefined;
  const links = itemsOrCategories(
    products,
    (p) => ({ title: p.data.name, href: href(`/products/${slugOf(p)}/`) }),
    (p) => p.data.category,
    href('/products/category/'),
  );
  return { heading: catalogName, links: [...all, ...links] };
};
export default productsPart;
